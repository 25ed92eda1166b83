"""Optimization runs, the decision sets they publish, and group quotes."""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from yieldopt.decisions import execute_run, quote_network_group

from ..dependencies import AdminKey, ReadKey, StoreDep, get_executor, get_settings, run_heavy
from ..schemas import (
    DecisionsOut,
    GroupQuoteIn,
    GroupQuoteOut,
    OptimizationIn,
    OptimizationOut,
    RunOut,
)
from ..settings import Settings
from ._shared import NetworkId, RunId, problems

__all__ = ["router"]

router = APIRouter(prefix="/v1/networks/{network_id}", tags=["decisions"])


def _location(network_id: str, run_id: str) -> str:
    return f"/v1/networks/{network_id}/optimizations/{run_id}"


@router.post(
    "/optimizations",
    status_code=201,
    responses={202: {"model": OptimizationOut, "description": "Accepted"}, **problems(404, 409)},
)
def create_optimization(
    network_id: NetworkId,
    body: OptimizationIn,
    response: Response,
    store: StoreDep,
    settings: Annotated[Settings, Depends(get_settings)],
    executor: Annotated[Executor, Depends(get_executor)],
    _: AdminKey,
) -> OptimizationOut:
    """Optimize the controls and publish them as a new decision set.

    Methods: ``dlp`` and ``rlp`` (bid prices), ``davn`` (nested limits from
    displacement-adjusted virtual classes), ``emsr-b`` (leg-based EMSR-b nesting on
    every resource, as the simulator's policy), ``fcfs``. With ``overbooking`` the
    authorized capacity is the cost-optimal overbooking limit. Large runs (or
    ``background: true``) answer 202 with a run to poll.
    """
    request = body.to_request()
    network, _rev = store.get_network(network_id)
    background = body.background
    if background is None:
        background = request.work(len(network.products)) > settings.sync_max_work
    run = store.create_run(network_id, request)
    response.headers["Location"] = _location(network_id, run.id)
    if background:
        executor.submit(execute_run, store, network_id, run.id)
        response.status_code = 202
        return OptimizationOut(run=RunOut.of(run))
    run = execute_run(store, network_id, run.id, reraise=True)
    decisions = store.decisions(network_id, run.decision_version)
    return OptimizationOut(run=RunOut.of(run), decisions=DecisionsOut.of(decisions))


@router.get("/optimizations/{run_id}", responses=problems(404))
def get_optimization(
    network_id: NetworkId, run_id: RunId, store: StoreDep, _: ReadKey
) -> OptimizationOut:
    """Poll an optimization run; carries the decision set once it succeeded."""
    run = store.get_run(network_id, run_id)
    decisions = None
    if run.decision_version is not None:
        decisions = DecisionsOut.of(store.decisions(network_id, run.decision_version))
    return OptimizationOut(run=RunOut.of(run), decisions=decisions)


@router.get("/decisions", responses=problems(404))
def get_decisions(network_id: NetworkId, store: StoreDep, _: ReadKey) -> DecisionsOut:
    """Return the latest decision set, a full overlay with its version."""
    return DecisionsOut.of(store.decisions(network_id))


@router.get("/decisions/{version}", responses=problems(404))
def get_decisions_version(
    network_id: NetworkId,
    version: Annotated[int, Path(ge=1, le=2**31 - 1)],
    store: StoreDep,
    _: ReadKey,
) -> DecisionsOut:
    """One earlier decision set."""
    return DecisionsOut.of(store.decisions(network_id, version))


@router.post("/group-quotes", responses=problems(404, 413, 429))
async def create_group_quote(
    network_id: NetworkId, body: GroupQuoteIn, request: Request, store: StoreDep, _: ReadKey
) -> GroupQuoteOut:
    """Quote a group by displacement on the remaining capacity, with alternate dates.

    Each quote solves linear programs, so it runs on the bounded pool of heavy work
    (never on the event loop): a key may have ``heavy_per_key`` quotes in flight, and
    beyond that or a full pool the answer is 429 with ``Retry-After``.
    """
    quote = await run_heavy(
        request, quote_network_group, store, network_id, body.record(), body.shift_days
    )
    return GroupQuoteOut(**quote)
