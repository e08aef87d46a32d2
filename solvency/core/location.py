"""Where something is in the user's sources."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A span of source lines, optionally inside a contract and function.

    Lines and columns are 1-based; `end_line` is inclusive. `file` is the path as the user
    gave it (relative to the project root where possible) so reports stay portable.
    """

    file: str
    start_line: int = 0
    end_line: int = 0
    start_column: int = 0
    end_column: int = 0
    contract: str | None = None
    function: str | None = None

    def __post_init__(self) -> None:
        if self.end_line < self.start_line:
            object.__setattr__(self, "end_line", self.start_line)

    def short(self) -> str:
        """`file:line` (or `file:line-end`), the form terminals and editors understand."""
        if self.start_line <= 0:
            return self.file
        if self.end_line > self.start_line:
            return f"{self.file}:{self.start_line}-{self.end_line}"
        return f"{self.file}:{self.start_line}"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.start_line, self.start_column)
