"""The contract model over SlithIR. The only package that imports slither."""

from solvency.ir.loader import AnalysisError, LoadedProject, analyse, load
from solvency.ir.model import (
    Contract,
    Function,
    Node,
    Operation,
    Parameter,
    ProjectModel,
    StateVariable,
)

__all__ = [
    "AnalysisError",
    "Contract",
    "Function",
    "LoadedProject",
    "Node",
    "Operation",
    "Parameter",
    "ProjectModel",
    "StateVariable",
    "analyse",
    "load",
]
