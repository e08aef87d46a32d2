"""Line spans of Solidity functions, found by brace matching (enough for our own corpus).

The corpus tests and the benchmark use it to ask "which function is manifest line N in?"
without compiling: comments and string literals are blanked first, so braces inside them do
not count, and line numbers stay those of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HEADER = re.compile(
    r"\b(function\s+([A-Za-z_]\w*)|constructor|modifier\s+([A-Za-z_]\w*)|receive|fallback)\s*\("
)
_NOISE = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


@dataclass(frozen=True, slots=True)
class Span:
    name: str  # function or modifier name; "constructor", "receive", "fallback"
    start_line: int  # the header's line (1-based)
    end_line: int  # the closing brace's line (inclusive)

    def contains(self, line: int) -> bool:
        return self.start_line <= line <= self.end_line


def blank_noise(text: str) -> str:
    """Comments and string literals replaced by spaces, newlines kept."""
    return _NOISE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def function_spans(text: str) -> list[Span]:
    """Every function, modifier, constructor, receive and fallback that has a body."""
    clean = blank_noise(text)
    spans: list[Span] = []
    for match in _HEADER.finditer(clean):
        name = match.group(2) or match.group(3) or match.group(1)
        end = _body_end(clean, match.end())
        if end is None:
            continue  # a declaration without a body (interface, abstract)
        spans.append(Span(name, _line_of(clean, match.start()), _line_of(clean, end)))
    return spans


def enclosing_function(path: Path, line: int) -> Span | None:
    """The innermost function span containing `line`, if any."""
    inside = [s for s in function_spans(path.read_text()) if s.contains(line)]
    return min(inside, key=lambda s: s.end_line - s.start_line) if inside else None


def is_code_line(line: str) -> bool:
    """Not blank, not only a comment, not only braces or parentheses."""
    stripped = blank_noise(line).strip()
    return bool(stripped.strip("{}();, \t"))


def _body_end(text: str, start: int) -> int | None:
    """Offset of the `}` closing the body that starts after `start`; None for `;` first."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if depth == 0 and char == ";":
            return None
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
