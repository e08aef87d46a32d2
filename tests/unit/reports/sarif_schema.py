"""The official SARIF 2.1.0 JSON schema, fetched once from the npm registry into a cache.

No PyPI or npm package ships a file named `sarif-schema-2.1.0.json`; Microsoft's
`@microsoft/jest-sarif` ships the same OASIS schema at its final committee draft as
`lib/schemas/sarif-2.1.0-rtm.5.json` (draft-04). It is fetched with `npm pack` (the registry
is reachable where the tests run; solc-js comes the same way) and never committed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def _cache_dir() -> Path:
    explicit = os.environ.get("SOLVENCY_TEST_SCHEMA_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "solvency-test-schemas"


def sarif_schema() -> dict[str, Any]:
    target = _cache_dir() / "sarif-2.1.0-rtm.5.json"
    if not target.is_file():
        _fetch(target)
    schema: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    assert "2.1.0" in schema["title"], schema["title"]
    return schema


def _fetch(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to fetch the SARIF schema (install Node.js)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", PACKAGE, "--pack-destination", tmp, "--silent"],
            check=True,
            capture_output=True,
            timeout=300,
        )
        [tarball] = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(MEMBER)
            if member is None:
                raise RuntimeError(f"{PACKAGE} has no {MEMBER}")
            data = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
