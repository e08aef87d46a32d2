"""Solidity version pragmas → the compiler version to use."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import semantic_version

from solvency.core.errors import UserError
from solvency.core.location import Location

_PRAGMA = re.compile(r"pragma\s+solidity\s+([^;]+);")


@dataclass(frozen=True, slots=True)
class Pragma:
    file: str
    line: int
    constraint: str


def find_pragmas(file: str, text: str) -> list[Pragma]:
    """Every `pragma solidity …;` outside comments, with its line."""
    clean = strip_comments(text)
    return [
        Pragma(file, clean.count("\n", 0, m.start()) + 1, " ".join(m.group(1).split()))
        for m in _PRAGMA.finditer(clean)
    ]


def strip_comments(text: str) -> str:
    """Blank out comments but keep strings, offsets and newlines intact."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(c if c == "\n" else " " for c in text[i:j]))
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _spec(constraint: str) -> semantic_version.NpmSpec:
    # Solidity accepts `>=0.4.22 <0.9.0`, `^0.8.0`, `0.8.19`, `=0.8.19`, `~0.4.24`, `||`.
    # NpmSpec reads them all once `=X` is written as `X` and a bare `0.8` as `0.8.x`.
    text = re.sub(r"(^|\s|\|\|)=\s*(\d)", r"\1\2", constraint)
    text = re.sub(r"([<>=^~]*)\s+(\d)", r"\1\2", text)
    return semantic_version.NpmSpec(text)


def satisfies(version: str, constraint: str) -> bool:
    return semantic_version.Version(version) in _spec(constraint)


def choose_version(pragmas: Sequence[Pragma], releases: Iterable[str]) -> str:
    """The newest release that satisfies every pragma.

    Raises a UserError naming the pragmas when none does (or when a pragma is malformed).
    """
    specs = []
    for p in pragmas:
        try:
            specs.append(_spec(p.constraint))
        except ValueError as exc:
            raise UserError(
                f"cannot read the version pragma `{p.constraint}`: {exc}",
                location=Location(p.file, p.line),
                hint="write it as solc does, e.g. `pragma solidity ^0.8.19;`",
            ) from None
    ordered = sorted(set(releases), key=semantic_version.Version, reverse=True)
    for release in ordered:
        version = semantic_version.Version(release)
        if all(version in spec for spec in specs):
            return release
    listed = "\n".join(f"  {p.file}:{p.line}: pragma solidity {p.constraint};" for p in pragmas)
    raise UserError(
        "no solc release satisfies all the version pragmas of the sources",
        details=listed,
        hint="align the pragmas, or choose a version with --solc-version",
    )
