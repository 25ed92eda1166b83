"""Problem descriptions: resources, products, segments and their loaders."""

from ._leg import LegProblem, load_leg

__all__ = ["LegProblem", "load_leg"]
