"""EVM edge cases, differential: solvency.smt.evm against real solc output on revm.

One generated contract per compiler (0.8.19 with checked and `unchecked {}` variants of each
operation, 0.7.6 for pre-0.8 wrap-around and INVALID on x/0) holds one function per
operation and type. Each is called on revm for the edge values of its operand types
(0, 1, 2, 2^(N-1)-1, 2^(N-1), 2^N-1, ..., i.e. also min and -1 for intN; shifts by
0/1/N/255/256/300; exponents up to 2^256-1); the same operation built from evm.py on
symbolic arguments, with the call's values substituted and folded by Z3, must predict the
same success or revert, the same Panic code and the same returned word.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import z3

from solvency.analyzers.fuzz.chain import CallResult, Chain, address_of, selector
from solvency.build import BuildOptions, compile_target
from solvency.smt import evm, evm_ops

Op = Callable[..., evm_ops.Outcome]


@dataclass(frozen=True)
class Fn:
    """One Solidity function `name(params) returns (ret) { return expr; }` and its model."""

    name: str
    params: tuple[str, ...]
    ret: str
    expr: str
    model: Op
    unchecked: bool = False

    def source(self) -> str:
        args = ", ".join(f"{t} {n}" for t, n in zip(self.params, "abc", strict=False))
        body = f"return {self.expr};"
        if self.unchecked:
            body = f"unchecked {{ {body} }}"
        return f"    function {self.name}({args}) external pure returns ({self.ret}) {{ {body} }}"

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(self.params)})"


def _t(name: str) -> evm.EvmType:
    return evm.evm_type(name)


NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "**": "exp"}
NAMES |= {"<<": "shl", ">>": "shr", "&": "and", "|": "or", "^": "xor"}
INTS = ("uint256", "int256", "uint8", "int8")


def _binary(op: str, t: str, rhs: str | None, checked: bool, legacy: bool) -> Fn:
    signed = _t(t).signed
    tag = "" if checked or legacy else "_u"

    def model(a: Any, b: Any) -> evm_ops.Outcome:
        return evm_ops.binary(op, a, b, signed=signed, checked=checked, legacy=legacy)

    name = f"{NAMES[op]}_{t}{'_' + rhs if rhs else ''}{tag}"
    return Fn(name, (t, rhs or t), t, f"a {op} b", model, unchecked=not checked and not legacy)


def _cast(src: str, dst: str) -> Fn:
    def model(a: Any) -> evm_ops.Outcome:
        return evm_ops.Outcome(evm.cast(a, _t(src), _t(dst)), ())

    return Fn(f"cast_{src}_{dst}", (src,), dst, f"{dst}(a)", model)


def _neg(t: str, checked: bool, legacy: bool) -> Fn:
    def model(a: Any) -> evm_ops.Outcome:
        return evm_ops.negate(a, checked=checked)

    name = f"neg_{t}{'' if checked or legacy else '_u'}"
    return Fn(name, (t,), t, "-a", model, unchecked=not checked and not legacy)


def _modular(name: str, t: str, legacy: bool) -> Fn:
    code = evm.INVALID_OPCODE if legacy else evm.PANIC_DIV_ZERO
    f = evm.addmod if name == "addmod" else evm.mulmod

    def model(a: Any, b: Any, c: Any) -> evm_ops.Outcome:
        return evm_ops.Outcome(f(a, b, c), ((evm.div_by_zero(c), code),))

    return Fn(f"{name}_{t}", (t, t, t), t, f"{name}(a, b, c)", model)


def _compare(op: str, t: str) -> Fn:
    signed = _t(t).signed
    names = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}

    def model(a: Any, b: Any) -> evm_ops.Outcome:
        return evm_ops.Outcome(evm_ops.compare(op, a, b, signed=signed), ())

    return Fn(f"{names[op]}_{t}", (t, t), "bool", f"a {op} b", model)


def _bit_not(t: str) -> Fn:
    return Fn(f"not_{t}", (t,), t, "~a", lambda a: evm_ops.Outcome(evm.not_(a), ()))


def _functions(legacy: bool) -> list[Fn]:
    modes = [False] if legacy else [True, False]
    fns: list[Fn] = []
    for checked, t, op in itertools.product(modes, INTS, ["+", "-", "*", "/", "%"]):
        fns.append(_binary(op, t, None, checked, legacy))
    for checked, t, rhs in itertools.product(modes, INTS, ["uint256", "uint8"]):
        fns.append(_binary("**", t, rhs, checked, legacy))
    for t, rhs, op in itertools.product(INTS, ["uint256", "uint8"], ["<<", ">>"]):
        fns.append(_binary(op, t, rhs, not legacy, legacy))
    for t, op in itertools.product(("uint256", "int8"), ["&", "|", "^"]):
        fns.append(_binary(op, t, None, not legacy, legacy))
    fns += [_bit_not("uint256"), _bit_not("int8")]
    fns += [
        _compare(op, t)
        for op in ("<", "<=", ">", ">=", "==", "!=")
        for t in ("uint256", "int256", "int8")
    ]
    fns += [_neg(t, checked, legacy) for checked in modes for t in ("int256", "int8")]
    fns += [_modular(n, "uint256", legacy) for n in ("addmod", "mulmod")]
    casts = [("uint256", "uint8"), ("int256", "int8"), ("uint256", "int256"), ("int256", "uint256")]
    casts += [("uint8", "uint256"), ("int8", "int256"), ("uint8", "int8"), ("int8", "uint8")]
    casts += [
        ("bytes32", "bytes4"),
        ("bytes4", "bytes32"),
        ("bytes4", "uint32"),
        ("uint32", "bytes4"),
    ]
    casts += [("uint160", "address"), ("address", "uint160"), ("bytes20", "address")]
    if legacy:  # < 0.8 also converts sign and width in one step
        casts += [("int8", "uint256"), ("uint256", "int8"), ("int256", "uint8")]
    fns += [_cast(s, d) for s, d in casts]
    return fns


def _source(version: str, fns: Sequence[Fn]) -> str:
    body = "\n".join(f.source() for f in fns)
    head = f"// SPDX-License-Identifier: MIT\npragma solidity {version};\n\n"
    return f"{head}contract Ops {{\n{body}\n}}\n"


# ── values ───────────────────────────────────────────────────────────────────────────────


def edges(t: str) -> list[int]:
    """Edge values of a type as unsigned bit patterns of its width (so -1 is 2^N-1)."""
    n = _t(t).bits
    vals = {0, 1, 2, 3, (1 << (n - 1)) - 1, 1 << (n - 1), (1 << (n - 1)) + 1, (1 << n) - 1}
    vals.add((1 << n) - 2)
    return sorted(v % (1 << n) for v in vals)


def amounts(t: str) -> list[int]:
    """Shift amounts and exponents: 0/1/2/3, around each width, far beyond."""
    n = _t(t).bits
    vals = [0, 1, 2, 3, 7, 8, 9, 31, 128, 255, 256, 257, 300, (1 << n) - 1]
    return sorted({v % (1 << n) for v in vals})


def cases(fn: Fn) -> list[tuple[int, ...]]:
    pools = [edges(t) for t in fn.params]
    if fn.expr.startswith("a **") or fn.expr.startswith("a <<") or fn.expr.startswith("a >>"):
        pools[1] = amounts(fn.params[1])
    return list(itertools.product(*pools))


def word(pattern: int, t: str) -> int:
    """The ABI word of a value given as its bit pattern: signed extended, bytesN left-aligned."""
    ty = _t(t)
    if ty.kind == "bytes":
        return pattern << (256 - ty.bits)
    if ty.signed and pattern >> (ty.bits - 1):
        return pattern | ((1 << 256) - (1 << ty.bits))
    return pattern


# ── the two sides ────────────────────────────────────────────────────────────────────────


ANY = -1  # the documented uninterpreted case of a symbolic exponent: any word is sound


def _predict(
    fn: Fn, outcome: evm_ops.Outcome, syms: Sequence[Any], vals: Sequence[int]
) -> tuple[int | None, int]:
    """(revert code or None, returned word) from evm.py, folded by Z3 at these values."""
    pairs = [(s, evm.val(v, s.size())) for s, v in zip(syms, vals, strict=True)]

    def fold(t: Any) -> Any:
        return z3.simplify(z3.substitute(t, *pairs))

    for cond, code in outcome.reverts:
        c = fold(cond)
        assert z3.is_true(c) or z3.is_false(c), c
        if z3.is_true(c):
            return code, 0
    w = fold(evm.to_word(outcome.value, _t(fn.ret)))
    if not z3.is_bv_value(w):
        assert "**" in fn.expr and z3.is_false(fold(evm.exp_exact(*syms))), w
        return None, ANY
    return None, int(w.as_long())


def _observe(chain: Chain, to: str, fn: Fn, vals: Sequence[int]) -> CallResult:
    data = selector(fn.signature) + b"".join(
        word(v, t).to_bytes(32, "big") for v, t in zip(vals, fn.params, strict=True)
    )
    return chain.raw_call(address_of(1), to, data)


@dataclass
class Deployed:
    chain: Chain
    address: str
    fns: dict[str, Fn]


def _deploy(version: str, legacy: bool, tmp: Path, cache: Path) -> Deployed:
    fns = _functions(legacy)
    src = tmp / f"Ops_{version.replace('.', '_')}.sol"
    src.write_text(_source(version, fns))
    project = compile_target(src, BuildOptions(cache_dir=cache, solc_version=version))
    chain = Chain()
    address = chain.deploy(address_of(0), project.contract("Ops").creation_bytecode, None, [])
    return Deployed(chain, address, {f.name: f for f in fns})


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory, solcjs_cache: Path) -> dict[str, Deployed]:
    tmp = tmp_path_factory.mktemp("evm_edges")
    return {
        "0.8.19": _deploy("0.8.19", False, tmp, solcjs_cache),
        "0.7.6": _deploy("0.7.6", True, tmp, solcjs_cache),
    }


IDS = [("0.8.19", f.name) for f in _functions(False)] + [
    ("0.7.6", f.name) for f in _functions(True)
]


@pytest.mark.parametrize(("version", "name"), IDS, ids=[f"{v}-{n}" for v, n in IDS])
def test_operation_matches_revm(deployed: dict[str, Deployed], version: str, name: str) -> None:
    d = deployed[version]
    fn = d.fns[name]
    syms = [z3.BitVec(f"arg{i}", _t(t).bits) for i, t in enumerate(fn.params)]
    outcome = fn.model(*syms)
    mismatches = []
    for vals in cases(fn):
        code, want = _predict(fn, outcome, syms, vals)
        got = _observe(d.chain, d.address, fn, vals)
        if code is None:
            ok = got.success and want in (ANY, int.from_bytes(got.output[:32], "big"))
        elif code == evm.INVALID_OPCODE:
            ok = not got.success and got.panic_code is None and not got.output
        else:
            ok = not got.success and got.panic_code == code
        if not ok:
            mismatches.append(
                (vals, code, hex(want), got.success, got.reason, got.output[:32].hex())
            )
    assert not mismatches, mismatches[:5]
