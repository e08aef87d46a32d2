"""The symbolic engine: SlithIR (through solvency.ir.program) → Z3 transition relations."""

from solvency.analyzers.symbolic.transition import (
    EncodeOptions,
    Transition,
    Unsupported,
    Write,
    encode_constructor,
    encode_function,
)

__all__ = [
    "EncodeOptions",
    "Transition",
    "Unsupported",
    "Write",
    "encode_constructor",
    "encode_function",
]
