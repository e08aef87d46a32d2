"""Bad fuzzing input is one clear error (exit 2, no traceback), never a hang: a constructor
that reverts, a harness with the wrong constructor arguments, a setup call or environment
move naming a function that does not exist, a harness that is not TOML, and a target that
cannot be deployed at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.cli import main

BOX = """\
// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

contract Box {
    uint256 public total;

    constructor(uint256 start) {
        require(start < 10, "start too big");
        total = start;
    }

    function add(uint256 x) external {
        total += x;
    }
}

abstract contract Base {
    uint256 public total;

    function add(uint256 x) external virtual;
}
"""

SETUP_MISSING = """\
[target]
args = ["1"]
[[setup]]
to = "@target"
function = "remove(uint256)"
args = ["1"]
sender = "@deployer"
"""

ENV_MISSING = """\
[target]
args = ["1"]
[[environment]]
to = "@target"
function = "setPrice(uint256)"
sender = "@deployer"
bounds = [["1", "2"]]
"""

CASES = [
    ('[target]\nargs = ["11"]\n', "deploying Box reverted: start too big"),
    ("[target]\nargs = []\n", "Box's constructor takes 1 arguments, the recipe gives 0"),
    (SETUP_MISSING, "setup call remove(uint256) on @target: no such function"),
    (ENV_MISSING, "environment move @target.setPrice(uint256): no such function"),
    ('[target\nargs = ["1"]\n', "Box.spec:2:5: error: harness"),
]


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("box")
    (root / "Box.sol").write_text(BOX)
    (root / "Box.spec").write_text(
        'spec Box {\n    harness "deploy.toml";\n    invariant small: total < 2**255;\n}\n'
    )
    (root / "Base.spec").write_text("spec Base {\n    invariant small: total < 2**255;\n}\n")
    return root


def _fuzz(box: Path, spec: str) -> list[str]:
    return [
        "fuzz",
        str(box / "Box.sol"),
        "--spec",
        str(box / spec),
        "--budget",
        "200",
    ]


@pytest.mark.parametrize(("harness", "message"), CASES)
def test_bad_harness_is_one_clear_error(
    box: Path,
    harness: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (box / "deploy.toml").write_text(harness)
    assert main(_fuzz(box, "Box.spec")) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_undeployable_target_is_one_clear_error(
    box: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (box / "deploy.toml").unlink(missing_ok=True)  # Base.spec names no harness: defaults
    assert main(_fuzz(box, "Base.spec")) == 2
    err = capsys.readouterr().err
    assert "Base cannot be deployed as is (abstract" in err
    assert "Traceback" not in err
