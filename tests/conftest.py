"""Shared fixtures: one solc-js install cache for the whole run, fresh build caches per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.build import BuildOptions, default_cache_dir

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def solcjs_cache() -> Path:
    """Where solc-js releases are installed; shared so each release is fetched once."""
    path = default_cache_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def fresh_cache(tmp_path: Path, solcjs_cache: Path) -> Path:
    """An empty compile cache that still sees the shared solc-js installs."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (solcjs_cache / "solcjs").mkdir(exist_ok=True)
    (cache / "solcjs").symlink_to(solcjs_cache / "solcjs")
    return cache


@pytest.fixture
def build_options(fresh_cache: Path) -> BuildOptions:
    return BuildOptions(cache_dir=fresh_cache)
