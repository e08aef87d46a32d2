"""Spec errors: collected, not raised one by one, so a user sees every problem at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from solvency.core.errors import UserError
from solvency.specs.ast import Span


@dataclass(frozen=True, slots=True)
class Diagnostic:
    message: str
    span: Span
    hint: str | None = None

    def render(self, source: str | None) -> str:
        """`file:line:col: error: message`, the source line, a caret under the span, a hint."""
        sp = self.span
        lines = [f"{sp.file}:{sp.line}:{sp.column}: error: {self.message}"]
        if source is not None and sp.line >= 1:
            src_lines = source.splitlines()
            if sp.line <= len(src_lines):
                text = src_lines[sp.line - 1].expandtabs(1)
                width = (
                    max(1, sp.end_column - sp.column)
                    if sp.end_line == sp.line
                    else max(1, len(text) - sp.column + 1)
                )
                lines.append(f"  {text}")
                lines.append("  " + " " * max(0, sp.column - 1) + "^" * width)
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class SpecError(UserError):
    """One or more problems in spec files; `diagnostics` lists all of them in source order."""

    def __init__(self, diagnostics: Iterable[Diagnostic], sources: dict[str, str]) -> None:
        diags = tuple(sorted(diagnostics, key=lambda d: (d.span.file, d.span.line, d.span.column)))
        first = diags[0]
        count = "" if len(diags) == 1 else f" (and {len(diags) - 1} more)"
        super().__init__(
            first.message + count,
            location=first.span.location(),
            hint=first.hint,
            details="\n".join(d.render(sources.get(d.span.file)) for d in diags),
        )
        self.diagnostics = diags

    def render(self) -> str:
        # Each diagnostic already carries its location, source line, caret and hint.
        n = len(self.diagnostics)
        tail = f"{n} error{'s' if n != 1 else ''} in spec"
        return f"{self.details}\n{tail}"


class Diagnostics:
    """An error sink that passes over a whole spec, then raises once if anything went wrong."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, message: str, span: Span, hint: str | None = None) -> None:
        self.items.append(Diagnostic(message, span, hint))

    def raise_if_any(self, sources: dict[str, str]) -> None:
        if self.items:
            raise SpecError(self.items, sources)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidates, or None when nothing is close."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6)
    if not close:
        lowered = [c for c in set(candidates) if c.lower() == name.lower()]
        close = sorted(lowered)
    if not close:
        return None
    return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
