"""Errors: `UserError` is the user's to fix (message, location, hint); `InternalError` is ours."""

from __future__ import annotations

from solvency.core.location import Location


class SolvencyError(Exception):
    """Base of every error Solvency raises on purpose."""


class UserError(SolvencyError):
    """Bad input: a malformed spec, bad config, uncompilable sources, a missing tool.

    Shown to the user as one clear message with its cause and fix, never as a traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        hint: str | None = None,
        details: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint
        self.details = details

    def render(self) -> str:
        """The message as the CLI prints it: location, message, details, hint."""
        head = f"{self.location.short()}: {self.message}" if self.location else self.message
        parts = [head]
        if self.details:
            parts.append(self.details.rstrip())
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


class CompileError(UserError):
    """The sources do not compile; `details` carries solc's own messages."""


class ToolMissingError(UserError):
    """An external tool (node, npm, solc, forge …) is needed and not installed."""


class InternalError(SolvencyError):
    """A bug in Solvency or in a tool it drives; reported with a request to file an issue."""
