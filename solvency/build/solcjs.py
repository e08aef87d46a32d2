"""solc-js: the npm package `solc` of an exact release, installed into a per-user cache.

Layout: CACHE/solcjs/<version>/node_modules/solc/soljson.js. A current release's wrapper
(WRAPPER_VERSION) drives every release through standard JSON, so old soljson.js files need no
wrapper of their own; `solcjs_driver.js` answers `--version` and `--standard-json`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from solvency.core.errors import ToolMissingError, UserError

if TYPE_CHECKING:
    from solvency.build.compilers import Compiler

WRAPPER_VERSION = "0.8.19"
_NODE_HINT = (
    "install Node.js 18+ with npm (Debian/Ubuntu: `apt-get install nodejs npm`), or install a "
    "native solc and pass --solc PATH"
)


def installed_versions(cache_dir: Path) -> list[str]:
    root = cache_dir / "solcjs"
    if not root.is_dir():
        return []
    return [p.name for p in root.iterdir() if _soljson(cache_dir, p.name).is_file()]


def npm_package_version(version: str) -> str:
    """The npm version that carries release `version` (e.g. 0.8.7 is published as 0.8.7-fixed)."""
    text = resources.files("solvency.build").joinpath("solc_releases.json").read_text()
    releases: dict[str, str] = json.loads(text)["releases"]
    return releases.get(version, version)


def ensure(version: str, cache_dir: Path, *, allow_install: bool = True) -> Compiler:
    """A Compiler running solc-js `version`, installing it (and the wrapper) when missing."""
    from solvency.build.compilers import Compiler  # noqa: PLC0415 - avoid an import cycle

    node = shutil.which("node")
    if node is None:
        raise ToolMissingError(
            f"solc {version} is not installed natively and solc-js needs Node.js, "
            "which was not found on PATH",
            hint=_NODE_HINT,
        )
    for needed in {version, WRAPPER_VERSION}:
        if not _soljson(cache_dir, needed).is_file():
            if not allow_install:
                raise UserError(
                    f"solc {needed} is not installed and downloads are switched off",
                    hint="run once without --offline, or pass --solc PATH",
                )
            _npm_install(needed, cache_dir)
    # Real paths: the solcjs folder may be a symlink shared by several caches, and the
    # launcher written into it must not point into one of them.
    real = cache_dir.resolve()
    driver = _driver_path(real)
    command = (
        node,
        str(driver),
        str(_soljson(real, version).resolve()),
        str((real / "solcjs" / WRAPPER_VERSION).resolve()),
    )
    _write_launcher(cache_dir, version, command)
    return Compiler(version, "solcjs", command)


def _soljson(cache_dir: Path, version: str) -> Path:
    return cache_dir / "solcjs" / version / "node_modules" / "solc" / "soljson.js"


def _npm_install(version: str, cache_dir: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise ToolMissingError(
            f"solc {version} must be installed from npm (solc-js) but `npm` was not found",
            hint=_NODE_HINT,
        )
    target = cache_dir / "solcjs" / version
    staging = cache_dir / "solcjs" / f".{version}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    package = f"solc@{npm_package_version(version)}"
    proc = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(staging),
            package,
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--no-package-lock",
            "--omit=dev",
            "--loglevel=error",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    soljson = staging / "node_modules" / "solc" / "soljson.js"
    if proc.returncode != 0 or not _looks_like_soljson(soljson):
        shutil.rmtree(staging, ignore_errors=True)
        raise ToolMissingError(
            f"could not install solc-js {version} with npm ({package})",
            details=(proc.stderr or proc.stdout).strip()[-2000:],
            hint="check that the npm registry is reachable, or install a native solc "
            f"{version} and pass --solc PATH",
        )
    if target.exists():  # another process won the race; keep theirs
        shutil.rmtree(staging, ignore_errors=True)
        return
    staging.rename(target)


def _looks_like_soljson(path: Path) -> bool:
    # npm's solc@0.4.0 ships an HTML page in place of soljson.js.
    if not path.is_file() or path.stat().st_size < 100_000:
        return False
    with path.open("rb") as handle:
        head = handle.read(512).lstrip().lower()
    return not head.startswith((b"<!doctype", b"<html"))


def _driver_path(cache_dir: Path) -> Path:
    """The driver script, copied next to the cache so a zipped install still works."""
    source = resources.files("solvency.build").joinpath("solcjs_driver.js").read_text()
    path = (cache_dir / "solcjs").resolve() / "solcjs_driver.js"
    if not path.is_file() or path.read_text() != source:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return path


def _write_launcher(cache_dir: Path, version: str, command: tuple[str, ...]) -> None:
    """CACHE/solcjs/bin/solc-<version>: a native-looking solc for other tools (`--solc`)."""
    launcher = cache_dir / "solcjs" / "bin" / f"solc-{version}"
    script = "#!/bin/sh\nexec " + " ".join(_quote(c) for c in command) + ' "$@"\n'
    if launcher.is_file() and launcher.read_text() == script:
        return
    launcher.parent.mkdir(parents=True, exist_ok=True)
    launcher.write_text(script)
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _quote(text: str) -> str:
    return text if re.fullmatch(r"[\w./@:+-]+", text) else "'" + text.replace("'", "'\\''") + "'"
