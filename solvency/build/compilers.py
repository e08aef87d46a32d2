"""Compiler resolution: which solc runs, in the order the README documents.

1. an explicit `--solc PATH`;
2. a native solc of the chosen version already installed (PATH, solc-select, py-solc-x);
3. py-solc-x's installer (works where binaries can be downloaded; fails fast offline);
4. solc-js: the npm package `solc` of exactly that version, installed into a per-user cache
   (checked before 3 once installed, so an offline machine does not retry the download).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from solvency.build import solcjs
from solvency.core.errors import ToolMissingError, UserError

_VERSION_RE = re.compile(r"(\d+\.\d+\.\d+)")


@dataclass(frozen=True, slots=True)
class Compiler:
    """A runnable solc: `command` + `--standard-json` reads stdin and writes stdout."""

    version: str
    kind: str  # explicit | native | solcx | solcjs
    command: tuple[str, ...]

    def describe(self) -> str:
        return f"solc {self.version} ({self.kind}: {' '.join(self.command)})"


def known_releases(cache_dir: Path) -> set[str]:
    """Releases we can name without the network: the bundled npm list plus installed ones."""
    text = resources.files("solvency.build").joinpath("solc_releases.json").read_text()
    releases = set(json.loads(text)["releases"])
    releases.update(v for v, _ in _native_candidates())
    releases.update(solcjs.installed_versions(cache_dir))
    return releases


def resolve_compiler(
    version: str,
    cache_dir: Path,
    *,
    explicit: Path | None = None,
    allow_download: bool = True,
) -> Compiler:
    """Find or install solc `version` following the documented order."""
    if explicit is not None:
        return _explicit(explicit)
    for found_version, path in _native_candidates():
        if found_version == version:
            return Compiler(version, "native", (str(path),))
    if version in solcjs.installed_versions(cache_dir):
        # Installed on an earlier run because no native binary could be had: don't ask the
        # binary site again on every compile.
        return solcjs.ensure(version, cache_dir, allow_install=allow_download)
    if allow_download:
        installed = _try_solcx_install(version)
        if installed is not None:
            return installed
    return solcjs.ensure(version, cache_dir, allow_install=allow_download)


def _explicit(path: Path) -> Compiler:
    if not path.exists():
        raise UserError(
            f"--solc {path}: no such file",
            hint="give the path of a solc binary, or leave --solc out to let Solvency find one",
        )
    version = probe_version((str(path),))
    if version is None:
        raise UserError(
            f"--solc {path}: `{path} --version` did not print a solc version",
            hint="is this a solc binary?",
        )
    return Compiler(version, "explicit", (str(path),))


def probe_version(command: tuple[str, ...]) -> str | None:
    try:
        out = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION_RE.search(out.split("Version:", 1)[-1])
    return match.group(1) if match else None


@functools.cache
def _native_candidates() -> list[tuple[str, Path]]:
    """(version, path) of native solc binaries on this machine, cheapest lookups first."""
    found: list[tuple[str, Path]] = []
    home = Path.home()
    # py-solc-x: ~/.solcx/solc-v0.8.19
    # solc-select: ~/.solc-select/artifacts/solc-0.8.19/solc-0.8.19
    for path in sorted((home / ".solcx").glob("solc-v*")):
        match = _VERSION_RE.search(path.name)
        if match and path.is_file():
            found.append((match.group(1), path))
    for path in sorted((home / ".solc-select" / "artifacts").glob("solc-*/solc-*")):
        match = _VERSION_RE.search(path.name)
        if match and path.is_file():
            found.append((match.group(1), path))
    on_path = shutil.which("solc")
    if on_path is not None and not _is_wrapper_script(Path(on_path)):
        version = probe_version((on_path,))
        if version is not None:
            found.append((version, Path(on_path)))
    return found


def _is_wrapper_script(path: Path) -> bool:
    """solc-select's `solc` shim (often behind a pyenv shim) downloads on first use and hangs
    offline; its installed binaries are found in its artifacts folder instead."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return True
    return head.startswith(b"#!") and (b"solc_select" in head or b"pyenv" in head)


def _try_solcx_install(version: str) -> Compiler | None:
    """py-solc-x's download; None (quickly) when the binary site cannot be reached."""
    try:
        import requests  # noqa: PLC0415
        import solcx  # noqa: PLC0415 - optional path, import only when needed
        import solcx.exceptions  # noqa: PLC0415
    except ImportError:
        return None
    try:
        path = solcx.install_solc(version, show_progress=False)
    except (requests.exceptions.RequestException, solcx.exceptions.SolcInstallationError):
        return None
    except Exception:
        return None
    return Compiler(version, "solcx", (str(path),))


def require_tool(name: str, hint: str) -> str:
    """The path of an executable, or a ToolMissingError that says how to install it."""
    path = shutil.which(name)
    if path is None:
        raise ToolMissingError(f"`{name}` is needed but was not found on PATH", hint=hint)
    return path
