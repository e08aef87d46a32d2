"""Compile cache keyed by the sources' content hashes, the compiler version and settings."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from solvency.build.sources import SourceSet
from solvency.build.standard_json import CompilerSettings, JsonObject

CACHE_FORMAT = 1


def cache_key(sources: SourceSet, version: str, settings: CompilerSettings) -> str:
    digest = hashlib.sha256()
    for part in (
        f"format={CACHE_FORMAT}",
        f"solc={version}",
        settings.key(),
        *(str(r) for r in sources.remappings),
        *(f"{f.unit_name}={f.digest}" for f in sorted(sources.files, key=lambda f: f.unit_name)),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


class CompileCache:
    """One JSON file per key under CACHE/builds/; writes are atomic (rename)."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = cache_dir / "builds"

    def load(self, key: str) -> JsonObject | None:
        path = self.folder / f"{key}.json"
        try:
            with path.open(encoding="utf-8") as handle:
                entry: dict[str, Any] = json.load(handle)
        except (OSError, json.JSONDecodeError):
            return None
        if entry.get("format") != CACHE_FORMAT:
            return None
        output: JsonObject = entry["output"]
        return output

    def store(self, key: str, output: JsonObject, compiler: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump({"format": CACHE_FORMAT, "compiler": compiler, "output": output}, handle)
        tmp.replace(self.folder / f"{key}.json")
