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
from solvency.ir.program import Program, Programs
from solvency.ir.program_build import build_programs, constructor_programs

__all__ = [
    "AnalysisError",
    "Contract",
    "Function",
    "LoadedProject",
    "Node",
    "Operation",
    "Parameter",
    "Program",
    "Programs",
    "ProjectModel",
    "StateVariable",
    "analyse",
    "build_programs",
    "constructor_programs",
    "load",
]
