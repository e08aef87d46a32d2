"""Inline suppression comments, as a table of source lines and what they hide."""

from __future__ import annotations

import pytest

from solvency.ir.suppression import comment_suppresses

RULE = "accounting-after-call"


@pytest.mark.parametrize(
    ("lines", "line", "hidden"),
    [
        (["x = 1; // solvency-disable-line accounting-after-call"], 1, True),
        (["x = 1; // solvency-disable-line"], 1, True),  # no id: every rule
        (["x = 1; // solvency-disable-line missing-accrual"], 1, False),
        (["x = 1; // solvency-disable-line missing-accrual, accounting-after-call"], 1, True),
        (["// solvency-disable-next-line accounting-after-call", "x = 1;"], 2, True),
        (["   //solvency-disable-next-line all", "x = 1;"], 2, True),
        (["// solvency-disable-next-line accounting-after-call", "", "x = 1;"], 3, False),
        (["y = 2; // solvency-disable-next-line accounting-after-call", "x = 1;"], 2, False),
        (["// solvency-disable-line accounting-after-call", "x = 1;"], 2, False),
        (["x = 1;"], 1, False),
        (["x = 1; // solvency-disable-next-line accounting-after-call"], 1, False),
        ([], 5, False),
    ],
)
def test_comment_suppresses(lines: list[str], line: int, hidden: bool) -> None:
    assert comment_suppresses(tuple(lines), line, RULE) is hidden
