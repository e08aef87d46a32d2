"""Turning Lark's syntax errors into diagnostics in the words a user typed, and number
literals into integers: the parser's two ways of meeting bad input."""

from __future__ import annotations

from decimal import Decimal

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from solvency.specs import ast
from solvency.specs.diagnostics import Diagnostic

_UNITS = {
    "wei": 1,
    "gwei": 10**9,
    "ether": 10**18,
    "seconds": 1,
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 604800,
}

# Terminal names Lark reports, in the words a user typed.
_READABLE = {
    "SEMICOLON": "';'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "COLON": "':'",
    "EQUAL": "'='",
    "DOT": "'.'",
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a quoted path",
    "EQ_OP": "'=='",
    "CMP_OP": "a comparison",
    "ADD_OP": "'+'",
    "MUL_OP": "'*'",
    "QMARK": "'?'",
    "MORETHAN": "'>'",
    "__ANON_0": "'=>'",
}


def syntax_diagnostic(
    exc: UnexpectedInput, path: str, source: str, literals: dict[str, str]
) -> Diagnostic:
    """`literals`: the grammar's string terminals by name, e.g. SEMICOLON → ';'."""
    line = max(1, getattr(exc, "line", 1) or 1)
    column = max(1, getattr(exc, "column", 1) or 1)
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        lines = source.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        expected = _expected(getattr(exc, "expected", set()), literals)
        return Diagnostic(
            "unexpected end of file",
            ast.Span(path, line, column, line, column + 1),
            f"expected {expected}" if expected else "the file ends in the middle of a declaration",
        )
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        width = max(1, len(str(tok)))
        expected = _expected(exc.accepts or exc.expected, literals)
        return Diagnostic(
            f"unexpected {_describe(tok)}",
            ast.Span(path, line, column, line, column + width),
            f"expected {expected}" if expected else None,
        )
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        ch = source[pos] if pos < len(source) else "?"
        hint = "strings use double quotes" if ch == "'" else None
        return Diagnostic(
            f"unexpected character {ch!r}", ast.Span(path, line, column, line, column + 1), hint
        )
    return Diagnostic("syntax error", ast.Span(path, line, column, line, column + 1))


def _describe(tok: Token) -> str:
    if tok.type == "NAME":
        return f"name `{tok}`"
    if tok.type == "NUMBER":
        return f"number `{tok}`"
    return f"`{tok}`"


def _expected(names: set[str] | frozenset[str], literals: dict[str, str]) -> str:
    if "NUMBER" in names:
        return "an expression"
    words = set()
    for n in names:
        if n in _READABLE:
            words.add(_READABLE[n])
        elif n in literals:
            words.add(f"'{literals[n]}'")
    if not words:
        return ""
    closers = ["';'", "'}'", "')'", "']'"]  # the likeliest fixes come first
    ordered = sorted(words, key=lambda w: (closers.index(w) if w in closers else 9, w))
    if len(ordered) > 6:
        return ", ".join(ordered[:6]) + " or …"
    return " or ".join(ordered)


_MAX_DIGITS = 1300


def parse_number(text: str, unit: str | None) -> int:
    """Solidity-style literal: 0x…, 1_000, 1e18, 2.5e17; raises ValueError if not whole."""
    clean = text.replace("_", "")
    mult = _UNITS[unit] if unit else 1
    if len(clean) > _MAX_DIGITS:
        raise ValueError(f"`{text[:20]}…` is too large")
    if clean[:2].lower() == "0x":
        if len(clean) == 2:
            raise ValueError(f"malformed number `{text}`")
        return int(clean, 16) * mult
    if "e" in clean.lower() or "." in clean:
        try:
            value = Decimal(clean)
            # Beyond ~1,300 digits a literal is a typo (and 1e99999999 would eat memory).
            if value.adjusted() > _MAX_DIGITS:
                raise ValueError(f"`{text}` is too large")
            value *= mult
        except ArithmeticError:  # decimal's InvalidOperation, Overflow
            raise ValueError(f"malformed number `{text}`") from None
        if value != value.to_integral_value():
            raise ValueError(f"`{text}` is not a whole number")
        return int(value)
    return int(clean) * mult
