"""Policies defined outside yieldopt for the conformance tests (importable by worker processes)."""

import numpy as np

from yieldopt.control import Policy


class AcceptAll(Policy):
    """An outside first come, first served: sells while capacity lasts, as ``fcfs`` does."""

    name = "accept-all"

    def accept(self, rows, products, periods, remaining):
        return np.ones(rows.size, dtype=bool)


class Unnamed(AcceptAll):
    """Keeps the base class's default name: results name it by its class."""

    name = Policy.name


def high_value_only(model, seed, threshold=200.0):
    """A factory (model, seed) -> Policy: accept products worth at least ``threshold``."""
    policy = ValueThreshold(model, seed)
    policy.threshold = threshold
    return policy


class ValueThreshold(Policy):
    """Accept a product only when its value reaches a fixed threshold."""

    name = "threshold"
    threshold = 0.0

    def accept(self, rows, products, periods, remaining):
        return self.model.values[products] >= self.threshold
