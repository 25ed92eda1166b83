"""One accept rule: the service and the simulator decide the same request identically.

The service decides a request with a network's compiled controls
(:meth:`yieldopt.control.Controls.decide`), the simulator with its bid-price policy
(:meth:`yieldopt.control.Policy.accept` of ``dlp``). Given the same network and the same
bid prices, a batch of requests — clear accepts, clear rejects, exact ties, ties up to
summation rounding and requests a hair below the tie — gets the same answers from both,
and both agree with :func:`yieldopt.control.accepts` applied by hand.
"""

from pathlib import Path

import numpy as np
import pytest

from yieldopt.control import (
    ACCEPT_RTOL,
    BookingRequest,
    ControlModel,
    Controls,
    DecisionSet,
    accepts,
    make_policy,
)
from yieldopt.model import PolicyName, Reason

from ..simulate.cases import two_leg

# Business customers bring ancillary spend and cost to serve: values differ from prices,
# so both sides must value a request the same way before comparing it to bid prices.
SEGMENTS = """
[[segments]]
id = "biz"
ancillary = 35.5
cost_to_serve = 12.25
"""


@pytest.fixture
def model(tmp_path: Path) -> ControlModel:
    return ControlModel.from_scenario(two_leg(tmp_path, capacity=(50, 50), extra=SEGMENTS))


def _bid_vectors(model: ControlModel) -> np.ndarray:
    """Bid-price vectors (rows: states, columns: L1, L2) that put requests on the edge."""
    v = dict(zip(model.network.product_ids, model.values, strict=True))
    dlp = make_policy(PolicyName.DLP, model)
    dlp.reset(np.arange(1))
    return np.array(
        [
            dlp.bid[0, :2],  # the DLP's own bid prices
            [v["L1-M"], v["L2-M"]],  # locals exactly at the tie
            [v["L1-M"], v["C-M"] - v["L1-M"]],  # C-M at the tie up to summation rounding
            [v["C-Y"] / 3, 2 * v["C-Y"] / 3],  # the connection at the tie, thirds rounded
            [v["L1-M"] + 1e-6, v["L2-M"] + 1e-6],  # locals a hair below: reject
            [0.0, 0.0],  # everything open
            [1e6, 0.0],  # L1 closed by price
        ]
    )


def _service(model: ControlModel, bid: np.ndarray) -> list[bool]:
    """Decide one unit of every product with the service's compiled controls."""
    net = model.network
    ds = DecisionSet(
        network="n",
        version=1,
        method="dlp",
        control="bid-price",
        created_at="",
        network_revision=1,
        forecast_revision=1,
        objective=None,
        bid_prices=dict(zip(net.resource_ids, bid.tolist(), strict=True)),
        authorized={r: 50 for r in net.resource_ids},
    )
    controls = Controls.compile("n", 1, net, ds)
    out = []
    for j, pid in enumerate(net.product_ids):
        d = controls.decide(BookingRequest(pid), sold=[0, 0], authorized=[50, 50])
        # Both sides value the request the same way.
        assert d.assessment.value == pytest.approx(model.values[j], rel=1e-15)
        assert d.reason in (Reason.ACCEPTED, Reason.BID_PRICE)
        out.append(d.accepted)
    return out


def _simulator(model: ControlModel, bids: np.ndarray) -> np.ndarray:
    """Decide one unit of every product in every state with the simulator's dlp policy."""
    policy = make_policy(PolicyName.DLP, model)
    k, n = bids.shape[0], model.n_products
    policy.bid = np.hstack([bids, np.zeros((k, 1))])  # the dummy resource costs nothing
    rows = np.repeat(np.arange(k), n)
    products = np.tile(np.arange(n), k)
    remaining = np.tile(np.append(model.capacity, 1.0), (rows.size, 1))
    got = policy.accept(rows, products, np.zeros(rows.size, dtype=np.int64), remaining)
    return got.reshape(k, n)


def test_service_and_simulator_decide_every_request_alike(model):
    bids = _bid_vectors(model)
    sim = _simulator(model, bids)
    service = np.array([_service(model, b) for b in bids])
    np.testing.assert_array_equal(service, sim)
    # And both are the one rule applied by hand to value and bid-price total.
    totals = bids @ model.network.incidence.toarray()
    np.testing.assert_array_equal(sim, accepts(model.values[None, :], totals))


def test_the_batch_holds_ties_and_near_ties(model):
    """The cases above really sit on the edge, so the comparison is not vacuous."""
    bids = _bid_vectors(model)
    totals = bids @ model.network.incidence.toarray()
    gap = model.values[None, :] - totals
    ids = model.network.product_ids
    j = {p: ids.index(p) for p in ("L1-M", "L2-M", "C-M", "C-Y")}
    assert gap[1, j["L1-M"]] == 0 and gap[1, j["L2-M"]] == 0  # exact ties accept
    assert abs(gap[2, j["C-M"]]) <= ACCEPT_RTOL * abs(totals[2, j["C-M"]])
    assert abs(gap[3, j["C-Y"]]) <= ACCEPT_RTOL * abs(totals[3, j["C-Y"]])
    sim = _simulator(model, bids)
    assert sim[1, j["L1-M"]] and sim[2, j["C-M"]] and sim[3, j["C-Y"]]
    assert not sim[4, j["L1-M"]] and not sim[4, j["L2-M"]]
    assert sim[5].all() and not sim[6, j["L1-M"]]
