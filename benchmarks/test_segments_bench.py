"""Segment values from 1,000,000 CRM transactions."""

import pytest

from yieldopt import segment_values, synthetic_transactions

N_ROWS = 1_000_000


@pytest.fixture(scope="module")
def transactions_1m():
    tx = synthetic_transactions(n_customers=310_000, seed=1).transactions
    assert len(tx) >= N_ROWS
    return tx.iloc[:N_ROWS]


@pytest.mark.parametrize("with_segment", [True, False], ids=["segments", "rfm-tiers"])
def test_segment_values_1m_transactions(benchmark, transactions_1m, with_segment):
    tx = transactions_1m if with_segment else transactions_1m.drop(columns="segment")
    v = benchmark.pedantic(segment_values, args=(tx,), rounds=3, iterations=1)
    assert v["bookings"].sum() == N_ROWS
    assert v["retention"].between(0, 1).all()
