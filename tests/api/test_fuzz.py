"""Property-based fuzzing of the OpenAPI schema (schemathesis): no input yields a 5xx, and
responses match the documented status codes, media types and schemas.
"""

import atexit
import shutil
import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.parameters import ParameterLocation

import yieldopt as yo
from yieldopt.store import BookingRequest, Store
from yieldopt_api.main import create_app
from yieldopt_api.settings import Settings

from ..store.conftest import HOTEL_DEMAND, hotel_records
from .server import ADMIN, KEYS, auth


def rejects_invalid_data(ctx, response, case):
    """Schema-violating requests are refused; 413 (too large) is a refusal too."""
    if response.status_code == 413:
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    rejects_invalid_data,
]


def seed(store: Store) -> None:
    """A network named like the fuzzer's path parameters will be pointed at."""
    if "hotel" in store.list_networks():
        return
    store.put_network("hotel", yo.Network.from_records(**hotel_records()))
    store.put_forecast("hotel", [{"product": p, "mean": d} for p, d in HOTEL_DEMAND.items()])
    store.book("hotel", BookingRequest("sat-2", 2))


# Built at import: schemathesis' fixture-based loader does not support this pytest version.
_TMP = tempfile.mkdtemp(prefix="yieldopt-fuzz-")
STORE = Store.open(f"sqlite:///{_TMP}/fuzz.db", synchronous="OFF")
APP = create_app(Settings(api_keys=KEYS), store=STORE)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@atexit.register
def _remove_store() -> None:
    STORE.close()
    shutil.rmtree(_TMP, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case):
    seed(STORE)
    meta = case.meta

    def negative(where: ParameterLocation) -> bool:
        return meta is not None and meta.is_negative_at(where)

    # Half the valid cases hit the stored network, so bodies reach the store and the core.
    path = case.path_parameters or {}
    if (
        "network_id" in path
        and not negative(ParameterLocation.PATH)
        and len(repr(case.body)) % 2 == 0
    ):
        path["network_id"] = "hotel"
    # Cases that break the headers (e.g. drop Authorization) are sent as generated.
    headers = {} if negative(ParameterLocation.HEADER) else auth(ADMIN)
    case.call_and_validate(headers=headers, checks=CHECKS)
