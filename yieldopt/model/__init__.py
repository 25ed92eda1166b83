"""Problem descriptions: resources, products, segments, scenarios and their loaders."""

from ._leg import LegProblem, load_leg
from ._network import Network, Product, Resource, Segment
from ._scenario import Scenario, load_scenario
from ._topaloglu import read_topaloglu

__all__ = [
    "LegProblem",
    "Network",
    "Product",
    "Resource",
    "Scenario",
    "Segment",
    "load_leg",
    "load_scenario",
    "read_topaloglu",
]
