"""Problem descriptions: resources, products, segments, scenarios and their loaders."""

from ._generators import hub_network
from ._leg import LegProblem, load_leg
from ._names import (
    BookingStatus,
    ControlKind,
    Method,
    OverrideAction,
    PolicyName,
    QuoteDecision,
    Reason,
    RunStatus,
    parse_name,
)
from ._network import Network, Product, Resource, Segment
from ._scenario import POLICY_NAMES, Behaviour, Scenario, SimulationSettings, load_scenario
from ._schema import check as check_schema
from ._streams import CURVES, CustomerStreams
from ._topaloglu import read_topaloglu

__all__ = [
    "CURVES",
    "POLICY_NAMES",
    "Behaviour",
    "BookingStatus",
    "ControlKind",
    "CustomerStreams",
    "LegProblem",
    "Method",
    "Network",
    "OverrideAction",
    "PolicyName",
    "Product",
    "QuoteDecision",
    "Reason",
    "Resource",
    "RunStatus",
    "Scenario",
    "Segment",
    "SimulationSettings",
    "check_schema",
    "hub_network",
    "load_leg",
    "load_scenario",
    "parse_name",
    "read_topaloglu",
]
