from __future__ import annotations

import pytest

from solvency.build.pragma import Pragma, choose_version, find_pragmas, satisfies, strip_comments
from solvency.core.errors import UserError

RELEASES = ["0.4.24", "0.4.26", "0.5.17", "0.6.12", "0.7.6", "0.8.19", "0.8.28"]


@pytest.mark.parametrize(
    ("constraints", "expected"),
    [
        (["^0.4.24"], "0.4.26"),
        (["0.4.24"], "0.4.24"),
        (["=0.8.19"], "0.8.19"),
        (["~0.4.24"], "0.4.26"),
        ([">=0.6.12 <0.9.0"], "0.8.28"),
        ([">= 0.4.22 < 0.6"], "0.5.17"),
        (["^0.5.0 || ^0.6.0"], "0.6.12"),
        (["^0.8.0", ">=0.6.12 <0.9.0", "0.8.19"], "0.8.19"),
        (["0.8"], "0.8.28"),
        ([">0.7.6"], "0.8.28"),
    ],
)
def test_newest_release_satisfying_all_pragmas(constraints: list[str], expected: str) -> None:
    pragmas = [Pragma("a.sol", i + 1, c) for i, c in enumerate(constraints)]
    assert choose_version(pragmas, RELEASES) == expected


def test_conflicting_pragmas_name_every_pragma() -> None:
    pragmas = [Pragma("a.sol", 2, "^0.8.0"), Pragma("b.sol", 3, "^0.6.0")]
    with pytest.raises(UserError) as info:
        choose_version(pragmas, RELEASES)
    rendered = info.value.render()
    assert "no solc release satisfies" in rendered
    assert "a.sol:2" in rendered and "b.sol:3" in rendered
    assert "--solc-version" in rendered


def test_pragma_no_release_satisfies() -> None:
    with pytest.raises(UserError, match="no solc release"):
        choose_version([Pragma("a.sol", 1, "^0.9.0")], RELEASES)


def test_malformed_pragma_is_a_user_error_with_location() -> None:
    with pytest.raises(UserError) as info:
        choose_version([Pragma("a.sol", 4, "^^banana")], RELEASES)
    assert info.value.location is not None and info.value.location.start_line == 4


def test_pragmas_in_comments_are_ignored_and_lines_kept() -> None:
    text = (
        "// pragma solidity 0.4.1;\n"
        "/* pragma solidity 0.5.0;\n still comment */\n"
        'string constant s = "// not a comment";\n'
        "pragma solidity  ^0.8.0 ;\n"
    )
    assert find_pragmas("x.sol", text) == [Pragma("x.sol", 5, "^0.8.0")]
    assert strip_comments(text).count("\n") == text.count("\n")
    assert '"// not a comment"' in strip_comments(text)


def test_satisfies() -> None:
    assert satisfies("0.8.19", "^0.8.0")
    assert not satisfies("0.9.0", "^0.8.0")
