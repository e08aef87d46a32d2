"""The pre-commit hook, run by the real `pre-commit` tool on a throw-away contract repository.

The repository uses this checkout as its hook repository at the current HEAD commit (so
the committed .pre-commit-hooks.yaml is what runs) and the `solvency` hook, which calls the
installed `solvency audit --fast` on the staged .sol files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORPUS = ROOT / "corpora" / "eth_escrow"


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose .pre-commit-config.yaml points at this checkout's HEAD."""
    if shutil.which("pre-commit") is None:
        pytest.fail("pre-commit is not installed: `pip install -e '.[dev]'` installs it")
    path = tmp_path_factory.mktemp("contracts-repo")
    _git(path, "init", "-q")
    _git(path, "config", "user.email", "hook-test@example.invalid")
    _git(path, "config", "user.name", "hook test")
    head = _git(ROOT, "rev-parse", "HEAD")
    (path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n      - id: solvency\n",
        encoding="utf-8",
    )
    (path / "contracts").mkdir()
    return path


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from solvency.build import default_cache_dir

    home = tmp_path_factory.mktemp("pre-commit-home")
    cache = tmp_path_factory.mktemp("solvency-cache")
    (default_cache_dir() / "solcjs").mkdir(parents=True, exist_ok=True)
    (cache / "solcjs").symlink_to(default_cache_dir() / "solcjs")
    env = dict(os.environ)
    env.update(PRE_COMMIT_HOME=str(home), SOLVENCY_CACHE_DIR=str(cache), CI="true")
    env.pop("PRE_COMMIT", None)
    return env


def _run_hook(repo: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess[str]:
    _git(repo, "add", *files)
    return subprocess.run(
        ["pre-commit", "run", "--color", "never", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_hook_passes_a_clean_contract(repo: Path, hook_env: dict[str, str]) -> None:
    shutil.copy(CORPUS / "EthEscrow.sol", repo / "contracts" / "EthEscrow.sol")
    done = _run_hook(repo, hook_env, "contracts/EthEscrow.sol")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "solvency audit" in done.stdout and "Passed" in done.stdout


def test_hook_fails_a_reentrancy_bug_and_shows_the_finding(
    repo: Path, hook_env: dict[str, str]
) -> None:
    bugged = repo / "contracts" / "EthEscrow_reentrancy.sol"
    shutil.copy(CORPUS / "EthEscrow_reentrancy.sol", bugged)
    done = _run_hook(repo, hook_env, "contracts/EthEscrow_reentrancy.sol")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Failed" in out
    # the high finding on withdraw, with the file the user knows
    assert "contracts/EthEscrow_reentrancy.sol" in out
    assert "reentrancy-eth" in out or "accounting-after-call" in out
    assert "HIGH" in out.upper()


def test_hook_manifest_is_valid_for_pre_commit() -> None:
    done = subprocess.run(
        ["pre-commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
