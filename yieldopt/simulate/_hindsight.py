"""Perfect hindsight: the best any policy could have done on each sample path.

Knowing every request of the path, and whether each customer would cancel and
show for each product, the firm solves an LP: assign customers to products of
their choice set (at most one each), count only bookings that are kept, keep them
within the authorized capacity (as every policy must), let shown customers use
physical capacity, and deny shown customers beyond it at the denied cost. No-shows
pay and use no capacity at service. Every policy's bookings are a feasible
(integer) point of this LP, so its optimum bounds every policy on every path. It
is solved once with prices (the revenue bound) and, when segments adjust values,
once more with values (the value bound).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..control import ControlModel
from ..optimize import LinearProgram, get_solver
from ._engine import CURVE_BINS, Outcome
from ._paths import REQUEST, Paths

__all__ = ["hindsight"]


def _one_path(model: ControlModel, paths: Paths, row: int, objective: NDArray[np.float64]) -> tuple:
    m = model.n_resources
    req = np.flatnonzero(paths.kind[row] == REQUEST)
    choice = model.customers.choice_matrix[paths.stream[row, req]]  # (R, L)
    valid = choice >= 0
    prod = np.where(valid, choice, 0)
    keep = valid & (paths.cancel_u[row, req][:, None] >= model.cancel_prob[prod])
    show = keep & (paths.show_u[row, req][:, None] < model.show_prob[prod])
    # Group identical customers: same stream and the same keep/show pattern.
    weights = 1 << np.arange(2 * choice.shape[1])
    pattern = np.concatenate([keep, show], axis=1) @ weights
    key = np.stack([paths.stream[row, req], pattern], axis=1)
    groups, first, count = np.unique(key, axis=0, return_index=True, return_counts=True)
    g_keep, g_show, g_prod = keep[first], show[first], prod[first]
    gi, li = np.nonzero(g_keep)  # one column per (group, product kept)
    cols = g_prod[gi, li]
    n_x = cols.size
    # Booking rows: kept bookings never exceed the authorized capacity (no policy can sell
    # more). Service rows: shown columns use physical capacity; z_i (denied) relieves row i.
    shown = g_show[gi, li]
    booked_rows = sp.hstack([model.network.incidence[:, cols], sp.csr_array((m, m))], format="csr")
    a = model.network.incidence[:, cols].multiply(shown[None, :]).tocsr()
    cap_rows = sp.vstack([booked_rows, sp.hstack([a, -sp.eye(m)])], format="csr")
    cap_rhs = np.concatenate([model.authorized, model.capacity]).astype(np.float64)
    # Customer rows: at most `count` customers of a group are sold.
    multi = np.bincount(gi, minlength=len(groups)) > 1
    gsel = np.flatnonzero(multi)
    upper = np.concatenate([count[gi].astype(np.float64), np.full(m, np.inf)])
    if gsel.size:
        pick = np.isin(gi, gsel)
        rmap = np.full(len(groups), -1)
        rmap[gsel] = np.arange(gsel.size)
        g_rows = sp.csr_array(
            (np.ones(pick.sum()), (rmap[gi[pick]], np.flatnonzero(pick))),
            shape=(gsel.size, n_x + m),
        )
        matrix = sp.vstack([cap_rows, g_rows], format="csr")
        rhs = np.concatenate([cap_rhs, count[gsel].astype(np.float64)])
    else:
        matrix, rhs = cap_rows, cap_rhs
    obj = np.concatenate([objective[cols], np.full(m, -model.denied_cost)])
    sol = get_solver("highs").solve(LinearProgram(obj, matrix, rhs, upper))
    x, z = sol.x[:n_x], sol.x[n_x:]
    used = a @ x
    # Customers of each group not assigned to any product, by their stream.
    lost = count - np.bincount(gi, weights=x, minlength=len(groups))
    return sol.objective, x, cols, shown, z, used, req.size, (groups[:, 0], lost)


def hindsight(model: ControlModel, paths: Paths) -> Outcome:
    """Perfect-hindsight bounds for every path (revenue and value)."""
    p = paths.kind.shape[0]
    fields = {
        k: np.zeros(p) for k in ("revenue", "value", "booking_revenue", "units_sold", "occupied")
    }
    fields.update({k: np.zeros(p) for k in ("denied", "denied_cost", "spill", "requests")})
    same = np.allclose(model.values, model.prices)
    m, n = model.n_resources, model.prices.size
    nres = (model.product_resources < m).sum(axis=1)
    units, shown_units = np.zeros((p, n)), np.zeros((p, n))
    cm = model.customers.choice_matrix
    top = cm[np.arange(cm.shape[0]), (cm >= 0).sum(axis=1) - 1]  # most expensive product
    lost_res = np.zeros((p, m + 1))
    for row in range(p):
        obj, x, cols, shown, z, used, n_req, (streams, lost) = _one_path(
            model, paths, row, model.prices
        )
        units[row] = np.bincount(cols, weights=x, minlength=n)
        shown_units[row] = np.bincount(cols, weights=x * shown, minlength=n)
        use = model.product_resources[top[streams]]
        np.add.at(lost_res[row], use.ravel(), np.repeat(lost, use.shape[1]))
        fields["revenue"][row] = obj
        fields["booking_revenue"][row] = model.prices[cols] @ x
        fields["units_sold"][row] = nres[cols] @ x
        fields["occupied"][row] = (used - z).sum()
        fields["denied"][row] = z.sum()
        fields["denied_cost"][row] = z.sum() * model.denied_cost
        fields["requests"][row] = n_req
        fields["spill"][row] = n_req - x.sum()
        fields["value"][row] = obj if same else _one_path(model, paths, row, model.values)[0]
    return Outcome(
        curve=np.full((p, CURVE_BINS), np.nan),
        product_units=units,
        product_shown=shown_units,
        resource_spill=lost_res[:, :m],
        **fields,
    )
