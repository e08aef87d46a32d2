"""The config file: [tool.solvency] / solvency.toml, budgets, and every way it can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.analyzers.audit_scope import imports_of, sibling_specs, with_dependents
from solvency.config import Budget, Config, find_config, load_config, parse_budget
from solvency.core.errors import UserError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", Budget(seconds=30.0)),
        ("2m", Budget(seconds=120.0)),
        ("1h", Budget(seconds=3600.0)),
        ("0.5s", Budget(seconds=0.5)),
        ("500", Budget(calls=500)),
        ("500calls", Budget(calls=500)),
        (" 10S ", Budget(seconds=10.0)),
        (250, Budget(calls=250)),
    ],
)
def test_budgets(text: str | int, expected: Budget) -> None:
    assert parse_budget(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "10x", "-5", "0", "0s", "calls", 0, -3])
def test_bad_budgets_are_user_errors(text: str | int) -> None:
    with pytest.raises(UserError, match="fuzz-budget"):
        parse_budget(text)


def test_pyproject_table_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.solvency]\n'
        'targets = ["src", "lib/Vault.sol"]\nspecs = ["specs/vault.spec"]\n'
        'remappings = ["@oz/=node_modules/@oz/"]\nexclude = ["test/**"]\n'
        'fuzz-budget = "45s"\nprove-timeout = 2.5\nloop-bound = 4\nfail-on = "medium"\n'
        'fail-on-unknown = true\nbaseline = "solvency-baseline.json"\nsolc-version = "0.8.19"\n',
        encoding="utf-8",
    )
    found = find_config(tmp_path)
    assert found == tmp_path / "pyproject.toml"
    config = load_config(found)
    assert config == Config(
        source=found,
        targets=(tmp_path / "src", tmp_path / "lib/Vault.sol"),
        specs=(tmp_path / "specs/vault.spec",),
        remappings=("@oz/=node_modules/@oz/",),
        exclude=("test/**",),
        fuzz_budget=Budget(seconds=45.0),
        prove_timeout=2.5,
        loop_bound=4,
        fail_on="medium",
        fail_on_unknown=True,
        baseline=tmp_path / "solvency-baseline.json",
        solc_version="0.8.19",
    )


def test_solvency_toml_wins_and_a_pyproject_without_the_table_is_no_config(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config(tmp_path) is None
    (tmp_path / "solvency.toml").write_text("fuzz-budget = 300\n", encoding="utf-8")
    assert find_config(tmp_path) == tmp_path / "solvency.toml"
    assert load_config(tmp_path / "solvency.toml").fuzz_budget == Budget(calls=300)


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('targets = ["a"]\nfail_on = "high"\n', 2, ["`fail_on`", "did you mean `fail-on`"]),
        ('fail-on = "severe"\n', 1, ["`fail-on`", "'severe'", "high, medium"]),
        ("targets = 3\n", 1, ["`targets`", "list of strings"]),
        ('\n\nloop-bound = "three"\n', 3, ["`loop-bound`", "positive integer"]),
        ("loop-bound = 0\n", 1, ["`loop-bound`"]),
        ("prove-timeout = -1\n", 1, ["`prove-timeout`", "positive number"]),
        ('fuzz-budget = "fast"\n', 1, ["`fuzz-budget`", "'fast'"]),
        ("fuzz-budget = true\n", 1, ["`fuzz-budget`"]),
        ('fail-on-unknown = "yes"\n', 1, ["`fail-on-unknown`", "true or false"]),
        ("specs = [1, 2]\n", 1, ["`specs`"]),
    ],
)
def test_bad_values_name_the_file_line_and_key(
    tmp_path: Path, body: str, line: int, words: list[str]
) -> None:
    path = tmp_path / "solvency.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_config(path)
    text = caught.value.render()
    assert text.startswith(f"{path}:{line}: "), text
    for word in words:
        assert word in text, text


def test_pyproject_errors_use_the_table_prefix(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.solvency]\nfail-on = "hgh"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"`tool\.solvency\.fail-on` is 'hgh'") as caught:
        load_config(path)
    assert caught.value.location is not None and caught.value.location.start_line == 2


def test_toml_syntax_error_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "solvency.toml"
    path.write_text("targets = [\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(UserError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"no \[tool.solvency\] table"):
        load_config(tmp_path / "pyproject.toml")


# ── audit scope: specs beside contracts, a change's dependents ──────────────────────────


def _write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_sibling_specs(tmp_path: Path) -> None:
    a = _write(tmp_path / "A.sol")
    _write(tmp_path / "A.spec")
    b = _write(tmp_path / "sub" / "B.sol")
    _write(tmp_path / "sub" / "B.sol.spec")
    _write(tmp_path / "C.sol")
    assert sibling_specs(a) == (tmp_path / "A.spec",)
    assert sibling_specs(b) == (tmp_path / "sub" / "B.sol.spec",)
    assert set(sibling_specs(tmp_path)) == {tmp_path / "A.spec", tmp_path / "sub" / "B.sol.spec"}


def test_dependents_follow_imports_transitively(tmp_path: Path) -> None:
    base = _write(tmp_path / "src" / "Base.sol", "contract Base {}")
    mid = _write(tmp_path / "src" / "Mid.sol", 'import "./Base.sol";\ncontract Mid is Base {}')
    top = _write(
        tmp_path / "src" / "deep" / "Top.sol",
        'import {Mid} from "../Mid.sol";\ncontract Top is Mid {}',
    )
    remapped = _write(
        tmp_path / "other" / "R.sol", "import * as B from 'lib/Base.sol';\ncontract R {}"
    )
    _write(tmp_path / "other" / "Unrelated.sol", '// import "../src/Base.sol";\ncontract U {}')
    _write(tmp_path / "node_modules" / "x" / "Dep.sol", 'import "../../src/Base.sol";')
    remaps = ["lib/=src/"]
    assert with_dependents([base], tmp_path, remaps) == tuple(
        sorted(p.resolve() for p in (base, mid, top, remapped))
    )
    assert with_dependents([mid], tmp_path, remaps) == tuple(sorted((mid.resolve(), top.resolve())))
    assert with_dependents([top], tmp_path) == (top.resolve(),)
    assert imports_of(remapped, tmp_path, remaps) == (base.resolve(),)
    # deleted or non-Solidity files change nothing
    assert with_dependents([tmp_path / "gone.sol", tmp_path / "README.md"], tmp_path) == ()


def test_excluded_files_are_not_dependents(tmp_path: Path) -> None:
    base = _write(tmp_path / "src" / "Base.sol", "contract Base {}")
    test = _write(tmp_path / "test" / "Base.t.sol", 'import "../src/Base.sol";')
    assert with_dependents([base], tmp_path, exclude=["test/*"]) == (base.resolve(),)
    assert len(with_dependents([base], tmp_path)) == 2
    assert with_dependents([test], tmp_path, exclude=["*.t.sol"]) == ()  # a changed test file
