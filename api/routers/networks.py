"""Networks (resources, products, segments) and their forecasts."""

from __future__ import annotations

from fastapi import APIRouter, Response

from yieldopt.model import Network

from ..dependencies import AdminKey, ReadKey, StoreDep
from ..schemas import ForecastIn, ForecastOut, NetworkIn, NetworkOut
from ._shared import NetworkId, problems

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["networks"])


@router.get("/networks", responses=problems())
def list_networks(store: StoreDep, _: ReadKey) -> list[str]:
    """Ids of all networks."""
    return store.list_networks()


@router.put(
    "/networks/{network_id}",
    responses={201: {"model": NetworkOut, "description": "Created"}, **problems(409, 413)},
)
def put_network(
    network_id: NetworkId, body: NetworkIn, response: Response, store: StoreDep, _: AdminKey
) -> NetworkOut:
    """Create or replace a network's resources, products and segments.

    Sold units carry over by resource id; lowering a capacity below what is sold, or
    removing a resource with sold units, is a 409 and changes nothing.
    """
    network = Network.from_records(**body.model_dump())
    revision, created = store.put_network(network_id, network)
    if created:
        response.status_code = 201
    return NetworkOut(id=network_id, revision=revision, **network.to_records())


@router.get("/networks/{network_id}", responses=problems(404))
def get_network(network_id: NetworkId, store: StoreDep, _: ReadKey) -> NetworkOut:
    """Return a network."""
    network, revision = store.get_network(network_id)
    return NetworkOut(id=network_id, revision=revision, **network.to_records())


@router.delete("/networks/{network_id}", status_code=204, responses=problems(404))
def delete_network(network_id: NetworkId, store: StoreDep, _: AdminKey) -> Response:
    """Delete a network with its forecast, decision sets, bookings and inventory."""
    store.delete_network(network_id)
    return Response(status_code=204)


@router.put("/networks/{network_id}/forecast", responses=problems(404, 413))
def put_forecast(
    network_id: NetworkId, body: ForecastIn, store: StoreDep, _: AdminKey
) -> ForecastOut:
    """Replace the forecast: expected demand still to come per product (and period)."""
    fc = store.put_forecast(network_id, [d.model_dump() for d in body.demand])
    return ForecastOut(
        network=network_id, revision=fc.revision, updated_at=fc.updated_at, demand=fc.demand
    )


@router.get("/networks/{network_id}/forecast", responses=problems(404))
def get_forecast(network_id: NetworkId, store: StoreDep, _: ReadKey) -> ForecastOut:
    """Return the forecast."""
    fc = store.get_forecast(network_id)
    return ForecastOut(
        network=network_id, revision=fc.revision, updated_at=fc.updated_at, demand=fc.demand
    )
