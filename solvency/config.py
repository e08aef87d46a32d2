"""Project configuration: `[tool.solvency]` in pyproject.toml, or a solvency.toml.

A contract repository states once what `solvency audit` checks (targets, specs, remappings,
excluded paths, budgets, the CI threshold) so the CI job and the pre-commit hook run the same
audit as a person at the terminal. Command-line options override the file. Every bad key or
value is a UserError naming the file, the line and the key, with the fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solvency.core.errors import UserError
from solvency.core.findings import Severity
from solvency.core.location import Location

CONFIG_FILE = "solvency.toml"
PYPROJECT = "pyproject.toml"
FAIL_ON_CHOICES = (*(s.value for s in Severity), "none")


@dataclass(frozen=True, slots=True)
class Budget:
    """A fuzzing budget: seconds, or a number of calls (exactly one is set)."""

    seconds: float | None = None
    calls: int | None = None

    def describe(self) -> str:
        return f"{self.calls} calls" if self.calls is not None else f"{self.seconds:g}s"


@dataclass(frozen=True, slots=True)
class Config:
    """What a config file sets; None (or empty) means "not set here, use the default"."""

    source: Path | None = None
    targets: tuple[Path, ...] = ()
    specs: tuple[Path, ...] = ()
    remappings: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fuzz_budget: Budget | None = None
    prove_timeout: float | None = None  # seconds per proof obligation
    loop_bound: int | None = None
    fail_on: str | None = None  # a Severity value or "none"
    fail_on_unknown: bool | None = None
    baseline: Path | None = None
    solc_version: str | None = None


def parse_budget(text: str | int, what: str = "--fuzz-budget") -> Budget:
    """`30s`, `2m`, `1h` → seconds; `500` or `500calls` → calls."""
    if isinstance(text, int) and not isinstance(text, bool):
        if text <= 0:
            raise UserError(f"{what} must be positive, not {text}")
        return Budget(calls=text)
    t = str(text).strip().lower()
    units = {"s": 1.0, "m": 60.0, "h": 3600.0}
    try:
        if t.endswith("calls"):
            budget = Budget(calls=int(t[:-5]))
        elif t and t[-1] in units:
            budget = Budget(seconds=float(t[:-1]) * units[t[-1]])
        else:
            budget = Budget(calls=int(t))
    except ValueError:
        raise UserError(
            f"{what} {text!r} is neither a duration nor a number of calls",
            hint=f"write e.g. {what} 30s, 2m or 500 (calls)",
        ) from None
    if (budget.seconds is not None and budget.seconds <= 0) or (
        budget.calls is not None and budget.calls <= 0
    ):
        raise UserError(f"{what} {text!r} must be positive")
    return budget


def find_config(start: Path) -> Path | None:
    """solvency.toml, else a pyproject.toml with a [tool.solvency] table, in `start`."""
    own = start / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = start / PYPROJECT
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return pyproject  # load_config reports the syntax error with its position
        if isinstance(data.get("tool"), dict) and "solvency" in data["tool"]:
            return pyproject
    return None


def load_config(path: Path) -> Config:
    """Read and validate one config file; relative paths are relative to its folder."""
    if not path.is_file():
        raise UserError(f"config file {path} does not exist")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(
            f"{path} is not valid TOML: {exc}", hint="fix the syntax at the position shown"
        ) from None
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("solvency") if isinstance(tool, dict) else None
        if table is None:
            raise UserError(
                f"{path} has no [tool.solvency] table", hint="add one, or drop --config"
            )
        prefix = "tool.solvency."
    else:
        table, prefix = data, ""
    if not isinstance(table, dict):
        raise UserError(f"{path}: `{prefix.rstrip('.')}` must be a table")
    return _Reader(path, text, prefix).read(table)


_KEYS = (
    "targets",
    "specs",
    "remappings",
    "exclude",
    "fuzz-budget",
    "prove-timeout",
    "loop-bound",
    "fail-on",
    "fail-on-unknown",
    "baseline",
    "solc-version",
)


class _Reader:
    """Validates one table; errors carry the file, the key's line and the key."""

    def __init__(self, path: Path, text: str, prefix: str) -> None:
        self.path = path
        self.text = text
        self.prefix = prefix
        self.base = path.parent

    def read(self, table: dict[str, Any]) -> Config:
        for key in table:
            if key not in _KEYS:
                near = _closest(key.replace("_", "-"), _KEYS)
                self.fail(
                    key,
                    "is not a Solvency setting",
                    f"did you mean `{near}`?" if near else "known keys: " + ", ".join(_KEYS),
                )
        budget = table.get("fuzz-budget")
        return Config(
            source=self.path,
            targets=tuple(self.base / p for p in self.strings(table, "targets")),
            specs=tuple(self.base / p for p in self.strings(table, "specs")),
            remappings=self.strings(table, "remappings"),
            exclude=self.strings(table, "exclude"),
            fuzz_budget=None if budget is None else self.budget(budget),
            prove_timeout=self.positive_number(table, "prove-timeout"),
            loop_bound=self.positive_int(table, "loop-bound"),
            fail_on=self.choice(table, "fail-on", FAIL_ON_CHOICES),
            fail_on_unknown=self.boolean(table, "fail-on-unknown"),
            baseline=self.path_value(table, "baseline"),
            solc_version=self.string(table, "solc-version"),
        )

    def fail(self, key: str, problem: str, hint: str) -> None:
        raise UserError(f"`{self.prefix}{key}` {problem}", location=self.location(key), hint=hint)

    def location(self, key: str) -> Location:
        pattern = re.compile(rf'^[ \t]*"?{re.escape(key)}"?[ \t]*=', re.MULTILINE)
        match = pattern.search(self.text)
        line = self.text.count("\n", 0, match.start()) + 1 if match else 0
        return Location(str(self.path), line)

    def strings(self, table: dict[str, Any], key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"must be a list of strings, not {value!r}", f'write {key} = ["…"]')
        return tuple(value)

    def string(self, table: dict[str, Any], key: str) -> str | None:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(key, f"must be a string, not {value!r}", f'write {key} = "…"')
        return value

    def path_value(self, table: dict[str, Any], key: str) -> Path | None:
        value = self.string(table, key)
        return None if value is None else self.base / value

    def choice(self, table: dict[str, Any], key: str, choices: tuple[str, ...]) -> str | None:
        value = self.string(table, key)
        if value is not None and value not in choices:
            self.fail(key, f"is {value!r}", "choose one of " + ", ".join(choices))
        return value

    def boolean(self, table: dict[str, Any], key: str) -> bool | None:
        value = table.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {value!r}", f"write {key} = true")
        return value

    def positive_number(self, table: dict[str, Any], key: str) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.fail(key, f"must be a positive number of seconds, not {value!r}", f"{key} = 5")
        return float(value)

    def positive_int(self, table: dict[str, Any], key: str) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.fail(key, f"must be a positive integer, not {value!r}", f"write {key} = 3")
        return int(value)

    def budget(self, value: object) -> Budget:
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(
                "fuzz-budget",
                f"must be a duration or a call count, not {value!r}",
                'write fuzz-budget = "30s" or fuzz-budget = 500',
            )
        try:
            return parse_budget(value, "fuzz-budget")  # type: ignore[arg-type]
        except UserError as exc:
            raise UserError(
                f"`{self.prefix}fuzz-budget`: {exc.message}",
                location=self.location("fuzz-budget"),
                hint='write fuzz-budget = "30s" or fuzz-budget = 500',
            ) from None


def _closest(word: str, options: tuple[str, ...]) -> str | None:
    import difflib  # noqa: PLC0415 - only on the error path

    found = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return found[0] if found else None
