from __future__ import annotations

from pathlib import Path

import pytest

from solvency.build.sources import Remapping, apply_remappings, collect_sources
from solvency.core.errors import UserError


def test_remapping_parse_and_render() -> None:
    r = Remapping.parse("ctx:@oz/=node_modules/@openzeppelin/")
    assert (r.context, r.prefix, r.target) == ("ctx", "@oz/", "node_modules/@openzeppelin/")
    assert str(r) == "ctx:@oz/=node_modules/@openzeppelin/"
    with pytest.raises(UserError, match="has no `=`"):
        Remapping.parse("@oz/")


def test_longest_prefix_and_context_win() -> None:
    remaps = (
        Remapping.parse("@oz/=lib/oz/"),
        Remapping.parse("@oz/token/=lib/oz-token/"),
        Remapping.parse("src/legacy:@oz/=lib/oz-old/"),
    )
    assert apply_remappings("@oz/token/ERC20.sol", "src/A.sol", remaps) == "lib/oz-token/ERC20.sol"
    assert apply_remappings("@oz/utils/X.sol", "src/A.sol", remaps) == "lib/oz/utils/X.sol"
    assert (
        apply_remappings("@oz/utils/X.sol", "src/legacy/B.sol", remaps) == "lib/oz-old/utils/X.sol"
    )
    assert apply_remappings("other/X.sol", "src/A.sol", remaps) == "other/X.sol"


def test_import_closure_follows_relative_and_remapped_imports(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "src").mkdir()
    (tmp_path / "lib" / "dep").mkdir(parents=True)
    (tmp_path / "src" / "A.sol").write_text(
        'import "./B.sol";\nimport {X} from "@dep/X.sol";\n// import "./Ghost.sol";\n'
    )
    (tmp_path / "src" / "B.sol").write_text("contract B {}")
    (tmp_path / "lib" / "dep" / "X.sol").write_text('import "./Y.sol"; contract X {}')
    (tmp_path / "lib" / "dep" / "Y.sol").write_text("contract Y {}")
    sources = collect_sources(tmp_path / "src" / "A.sol", ("@dep/=lib/dep/",))
    assert sources.root == tmp_path
    assert sources.targets == ("src/A.sol",)
    assert sorted(f.unit_name for f in sources.files) == [
        "lib/dep/X.sol",
        "lib/dep/Y.sol",
        "src/A.sol",
        "src/B.sol",
    ]


def test_imports_escaping_the_root_widen_it(tmp_path: Path) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "fam").mkdir()
    (tmp_path / "fam" / "package.json").write_text("{}")
    (tmp_path / "common" / "T.sol").write_text("contract T {}")
    (tmp_path / "fam" / "F.sol").write_text('import "../common/T.sol";')
    sources = collect_sources(tmp_path / "fam" / "F.sol")
    assert sources.root == tmp_path
    assert {f.unit_name for f in sources.files} == {"fam/F.sol", "common/T.sol"}


def test_bad_targets_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        collect_sources(tmp_path / "missing.sol")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UserError, match="not a Solidity file"):
        collect_sources(tmp_path / "notes.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match=r"no \.sol files"):
        collect_sources(tmp_path / "empty")
