"""Process exit codes, documented for CI gates (see README)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """0 clean, 1 findings/violations at or above --fail-on, 2 usage/compile/tool/internal error."""

    CLEAN = 0
    FINDINGS = 1
    ERROR = 2
