"""Inline suppression comments: Solvency's own and Slither's.

    // solvency-disable-next-line accounting-after-call, missing-accrual
    x = y; // solvency-disable-line            (no id: every rule on this line)

Slither's `// slither-disable-next-line`, `-start`/`-end` are honoured through Slither itself.
A suppressed result is kept and marked, so the report can count it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

_COMMENT = re.compile(r"//\s*solvency-disable-(next-line|line)\b([ \t]+[A-Za-z0-9_, \t-]*)?")


@lru_cache(maxsize=256)
def _lines(path: str, mtime_ns: int) -> tuple[str, ...]:
    del mtime_ns  # part of the cache key only: an edited file is read again
    return tuple(Path(path).read_text(encoding="utf-8", errors="replace").splitlines())


def source_lines(path: str) -> tuple[str, ...]:
    file = Path(path)
    try:
        return _lines(str(file), file.stat().st_mtime_ns)
    except OSError:
        return ()


def _names(match: re.Match[str]) -> set[str]:
    return {n.strip() for n in (match.group(2) or "").replace(",", " ").split() if n.strip()}


def comment_suppresses(lines: tuple[str, ...], line: int, rule_id: str) -> bool:
    """True when line `line` (1-based) carries, or follows, a comment disabling `rule_id`."""
    for index, kind in ((line - 1, "line"), (line - 2, "next-line")):
        if not 0 <= index < len(lines):
            continue
        for match in _COMMENT.finditer(lines[index]):
            if match.group(1) != kind:
                continue
            if kind == "next-line" and not lines[index].lstrip().startswith("//"):
                continue
            names = _names(match)
            if not names or rule_id in names or "all" in names:
                return True
    return False


def solvency_suppressed(result: dict[str, Any], rule_id: str) -> bool:
    """Whether a Slither result's first located element is under a solvency-disable comment."""
    for element in result.get("elements", []):
        mapping = element.get("source_mapping") or {}
        lines = mapping.get("lines") or []
        path = mapping.get("filename_absolute")
        if lines and path:
            return comment_suppresses(source_lines(str(path)), int(lines[0]), rule_id)
    return False
