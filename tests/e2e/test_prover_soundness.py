"""Adversarial soundness tests of the prover: real solc, Slither, Z3 and revm.

Each case is a tiny contract in tests/e2e/soundness/*.sol and a property in the .spec next
to it. Most properties are FALSE (or not provable with the modelled semantics) in a way a
careless encoder would miss — storage pointers, delete, pops, wrap-around, signed
operations, modifiers, super calls, delegatecall, fallbacks, constructors … — so the prover
must answer VIOLATED (confirmed on revm where it can be) or UNKNOWN naming the construct,
never PROVED. A few TRUE properties must come out PROVED, so the suite cannot be passed by
answering UNKNOWN everywhere. Each fixture file is compiled and proved once (module scope).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from solvency.analyzers.symbolic.api import ProveOptions, prove_compiled
from solvency.build import BuildOptions, compile_target
from solvency.core.properties import PropertyResult, Status
from solvency.ir.loader import analyse
from solvency.specs.api import check_specs

HERE = Path(__file__).parent / "soundness"
OPTIONS = ProveOptions(timeout_ms=10_000, loop_bound=3)


@dataclass(frozen=True)
class Expect:
    """What a case must come out as; `check` raises AssertionError with the result."""

    name: str
    check: Callable[[PropertyResult], bool]


def _show(r: PropertyResult) -> str:
    cx = r.counterexample
    conf = None if cx is None else cx.confirmed
    return f"{r.name}: {r.status.value} (bound {r.bound}, confirmed {conf}) — {r.reason}"


CONFIRMED = Expect(
    "VIOLATED, confirmed on revm",
    lambda r: (
        r.status is Status.VIOLATED and r.counterexample is not None and r.counterexample.confirmed
    ),
)
VIOLATED = Expect("VIOLATED", lambda r: r.status is Status.VIOLATED)
PROVED = Expect("PROVED", lambda r: r.status is Status.PROVED)
VACUOUS = Expect("VACUOUS", lambda r: r.status is Status.VACUOUS)
NO_PROOF = Expect(
    "VACUOUS, VIOLATED or UNKNOWN (no proof)",
    lambda r: r.status in (Status.VACUOUS, Status.VIOLATED, Status.UNKNOWN) and bool(r.reason),
)


def not_proved(*words: str) -> Expect:
    """VIOLATED, or UNKNOWN whose reason names one of `words` (the construct) when given."""

    def check(r: PropertyResult) -> bool:
        if r.status is Status.VIOLATED:
            return True
        if r.status is not Status.UNKNOWN or not r.reason:
            return False
        return not words or any(w.lower() in r.reason.lower() for w in words)

    label = " / ".join(words) if words else "any reason"
    return Expect(f"VIOLATED or UNKNOWN ({label})", check)


def bounded(k: int) -> Expect:
    """At best PROVED_BOUNDED(k); VIOLATED and UNKNOWN are honest too."""

    def check(r: PropertyResult) -> bool:
        if r.status is Status.PROVED_BOUNDED:
            return r.bound == k
        return r.status in (Status.VIOLATED, Status.UNKNOWN)

    return Expect(f"PROVED_BOUNDED({k}) at best", check)


Outcome = dict[str, dict[str, PropertyResult] | str]


def _prove_file(stem: str) -> Outcome:
    """Every spec block of `stem`.spec proved against `stem`.sol (compiled once); a crash of
    one block is kept as its text, so the other blocks' cases still run."""
    project = compile_target(HERE / f"{stem}.sol", BuildOptions())
    model = analyse(project).model
    out: Outcome = {}
    for spec in check_specs(HERE / f"{stem}.spec", model):
        try:
            outcome = prove_compiled(project, spec, OPTIONS)
        except Exception as exc:  # a crash is reported by every case it hides
            out[spec.contract.name] = f"prove_compiled crashed: {type(exc).__name__}: {exc}"
            continue
        out[spec.contract.name] = {r.name: r for r in outcome.results}
    return out


_CACHE: dict[str, Outcome] = {}


def result(stem: str, contract: str, prop: str) -> PropertyResult:
    if stem not in _CACHE:
        _CACHE[stem] = _prove_file(stem)
    got = _CACHE[stem][contract]
    if isinstance(got, str):
        raise AssertionError(f"{contract}: {got}")
    assert prop in got, f"{contract} has no result {prop}: {sorted(got)}"
    return got[prop]


def case(stem: str, contract: str, prop: str, expect: Expect, *marks: pytest.MarkDecorator):
    return pytest.param(stem, contract, prop, expect, marks=marks, id=f"{contract}.{prop}")


CASES = [
    # ── storage pointers, aliasing, struct fields in sums ───────────────────────────────
    case("Storage08", "Aliasing", "alias_move_false", CONFIRMED),
    case("Storage08", "Aliasing", "ptr_param_false", CONFIRMED),
    case("Storage08", "Aliasing", "field_y_true", PROVED),
    case("Edge08", "Edges", "storage_ptr_false", CONFIRMED),
    case("Edge08", "Edges", "ternary_ptr_false", CONFIRMED),
    case("Edge08", "Edges", "ternary_ptr_true", PROVED),
    case("Edge08", "Edges", "memory_copy_true", PROVED),
    case("Edge08", "StructCopy", "struct_assign_false", CONFIRMED),
    case("Edge08", "StructCopy", "struct_copy_false", CONFIRMED),
    # ── delete ────────────────────────────────────────────────────────────────────────────
    case("Storage08", "Deleter", "delete_struct_false", CONFIRMED),
    case("Storage08", "Deleter", "delete_entry_false", CONFIRMED),
    case("Storage08", "Deleter", "delete_array_false", CONFIRMED),
    case("Edge08", "Wiper", "wipe_zeroes_false", CONFIRMED),
    case("Edge08", "Wiper", "pop_zeroes_false", not_proved()),
    # ── arrays: push/pop/length, out-of-bounds Panic 0x32 ────────────────────────────────
    case("Storage08", "Arrays", "push_len_false", CONFIRMED),
    case("Storage08", "Arrays", "pop_len_true", PROVED),
    case("Storage08", "Arrays", "oob_reverts_true", PROVED),
    case("Storage08", "Arrays", "oob_get_true", PROVED),
    case("Storage08", "Arrays", "oob_no_revert_false", CONFIRMED),
    # ── sums: two writes in one call, nested mappings ───────────────────────────────────
    case("Storage08", "Sums", "twice_false", CONFIRMED),
    case("Storage08", "Sums", "same_true", PROVED),
    case("Storage08", "Sums", "move_false", CONFIRMED),
    case("Storage08", "Sums", "transfer_true", PROVED),
    case("Storage08", "Nested", "nested_false", not_proved()),
    # ── ETH: payable, transfer, send, balance read inside the call ──────────────────────
    case("Storage08", "EthFlows", "solvent_transfer_false", CONFIRMED),
    case("Storage08", "EthFlows", "solvent_send_false", CONFIRMED),
    case("Storage08", "EthFlows", "exact_balance_false", CONFIRMED),
    case("Edge08", "Edges", "self_balance_false", CONFIRMED),
    case("Edge08", "Edges", "self_balance_true", PROVED),
    # ── constructors ──────────────────────────────────────────────────────────────────────
    case("Storage08", "BadCtor", "ctor_false", CONFIRMED),
    case("Edge08", "Initialised", "initialiser_false", CONFIRMED),
    case("Edge08", "ChildInit", "parent_ctor_false", CONFIRMED),
    case("Edge08", "CtorArg", "ctor_arg_false", not_proved()),
    case("Edge08", "PayCtor", "ctor_value_false", not_proved()),
    case("Edge08", "PayCtor", "prefunded_false", not_proved()),
    # ── invariants assuming invariants ───────────────────────────────────────────────────
    case("Storage08", "Helper", "eq", PROVED),
    case("Storage08", "Helper", "small_true", PROVED),
    case("Storage08", "HelperBroken", "eq", CONFIRMED),
    case("Storage08", "HelperBroken", "small_false", not_proved("eq")),
    case("Edge08", "Excepted", "small_false", not_proved("eq")),
    # ── the two TRUE reference properties ─────────────────────────────────────────────────
    case("Storage08", "Escrow", "escrow_totals_true", PROVED),
    case("Storage08", "Reenter", "reenter_totals", PROVED),
    case("Storage08", "Escrow", "escrow_solvent_true", PROVED),
    case("Control08", "Arith", "checked_add_true", PROVED),
    # ── arithmetic (0.8) ──────────────────────────────────────────────────────────────────
    case("Control08", "Arith", "unchecked_add_false", CONFIRMED),
    case("Control08", "Arith", "div_zero_true", PROVED),
    case("Control08", "Arith", "sdiv_min_false", CONFIRMED),
    case("Control08", "Arith", "sdiv_min_checked_true", PROVED),
    case("Control08", "Arith", "narrow_false", CONFIRMED),
    case("Control08", "Arith", "shl8_false", CONFIRMED),
    case("Control08", "Arith", "shl_false", CONFIRMED),
    case("Control08", "Arith", "pow_false", CONFIRMED),
    case("Control08", "Arith", "assert", CONFIRMED),
    case("Edge08", "Edges", "callee_unchecked_false", CONFIRMED),
    case("Edge08", "Edges", "signed_lt_false", CONFIRMED),
    case("Edge08", "Edges", "smod_sign_false", CONFIRMED),
    case("Edge08", "Edges", "sar_sign_false", CONFIRMED),
    case("Edge08", "Edges", "neg_min_false", CONFIRMED),
    case("Edge08", "Edges", "sign_extend_false", CONFIRMED),
    case("Edge08", "Edges", "uint_to_int_false", CONFIRMED),
    case("Edge08", "Edges", "bytes_cast_false", CONFIRMED),
    # ── arithmetic (0.7.6 wraps) ──────────────────────────────────────────────────────────
    case("Legacy076", "Legacy", "wrap_add_false", CONFIRMED),
    case("Legacy076", "Legacy", "sdiv_min_false", CONFIRMED),
    case("Legacy076", "Legacy", "mul8_false", CONFIRMED),
    case("Legacy076", "Legacy", "div_zero_true", PROVED),
    case("Legacy076", "Legacy", "wrap_sum_false", CONFIRMED),
    case("Legacy076", "Legacy", "assert", CONFIRMED),  # INVALID (0xfe), not Panic(0x01)
    # ── modifiers, inheritance, function pointers ────────────────────────────────────────
    case("Control08", "Flow", "modifier_tail_false", not_proved("modifier")),
    case("Control08", "Flow", "two_placeholders_false", CONFIRMED),
    case("Edge08", "Edges", "modifier_return_false", CONFIRMED),
    case("Control08", "Child", "super_false", CONFIRMED),
    case("Edge08", "OverChild", "override_fn_false", CONFIRMED),
    case("Edge08", "OverChild", "override_modifier_false", CONFIRMED),
    case("Control08", "Flow", "fn_pointer_false", not_proved("InternalDynamicCall")),
    # ── loops, recursion, time, vacuity ───────────────────────────────────────────────────
    case("Control08", "Flow", "loop_false", bounded(3)),
    case("Edge08", "LoopAssert", "assert", bounded(3)),
    case("Control08", "Flow", "recursion_false", bounded(3)),
    case("Control08", "Flow", "timestamp_false", CONFIRMED),
    case("Control08", "Flow", "always_reverts_vacuous", VACUOUS),
    case("Control08", "Arith", "contradictory_vacuous", VACUOUS),
    # ── external code: try/catch, low-level calls, assembly, calldata, selfdestruct ──────
    case("Control08", "Flow", "try_catch_false", not_proved("TRY", "CATCH")),
    case("Control08", "LowLevel", "delegatecall_false", not_proved("delegatecall")),
    case("Control08", "LowLevel", "staticcall_false", not_proved()),
    case("Control08", "LowLevel", "assembly_false", not_proved("assembly")),
    case("Control08", "LowLevel", "msgdata_false", not_proved()),
    case("Control08", "LowLevel", "set_true", PROVED),
    case("Control08", "Solvent", "selfdestruct_false", not_proved("selfdestruct")),
    case("Edge08", "Fallbacks", "fallback_false", not_proved()),
    case("Edge08", "Receives", "receive_false", not_proved()),
    case("Edge08", "SelfCall", "self_call_false", not_proved("this contract", "reentr")),
    case("Edge08", "UsesExtLib", "ext_library_false", not_proved()),
    case("Edge08", "TokenVault", "token_out_false", not_proved()),
    case("Edge08", "TokenVault", "token_out_rule_false", not_proved()),
    # ── spec side: time between calls, ghosts/hooks, preserved blocks, satisfy ──────────
    case("Edge08", "Deadline", "deadline_false", not_proved()),
    case("Edge08", "ViewSpec", "view_false", not_proved()),
    case("Edge08", "Deadline", "ghost_false", not_proved("ghost")),
    case("Edge08", "Deadline", "preserved_vacuous_false", NO_PROOF),
    case("Edge08", "Deadline", "spin_reverts_false", bounded(3)),
    case("Edge08", "Deadline", "unreachable_false", VIOLATED),
    case("Edge08", "Deadline", "two_calls_false", not_proved("calls")),
]


@pytest.mark.parametrize(("stem", "contract", "prop", "expect"), CASES)
def test_prover_verdict(stem: str, contract: str, prop: str, expect: Expect) -> None:
    r = result(stem, contract, prop)
    assert expect.check(r), f"expected {expect.name}, got {_show(r)}"


def test_no_case_is_proved_wrongly() -> None:
    """The headline check: no property named *_false comes out PROVED or PROVED_BOUNDED
    without a bound (a bounded proof of a loop property is allowed, with its bound)."""
    wrong = []
    for param in CASES:
        stem, contract, prop, _ = param.values
        if not str(prop).endswith("_false") or param.marks:
            continue
        r = result(str(stem), str(contract), str(prop))
        if r.status is Status.PROVED or (r.status is Status.PROVED_BOUNDED and r.bound is None):
            wrong.append(_show(r))
    assert not wrong, "wrong proofs:\n" + "\n".join(wrong)


def _line_of(stem: str, needle: str) -> int:
    lines = (HERE / f"{stem}.sol").read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def test_reentrancy_assumption_names_the_call_site() -> None:
    """A proof across an external call holds only without reentrancy there: the result must
    carry that Assumption, at the call's own line."""
    r = result("Storage08", "Reenter", "reenter_totals")
    assert r.status is Status.PROVED, _show(r)
    kinds = {(a.kind, a.description) for a in r.assumptions}
    # withdraw calls directly; withdrawVia through an inlined internal function, whose own
    # line is the call site
    for needle in ("msg.sender.call{value: a}", "to.call{value: a}"):
        where = f"Storage08.sol:{_line_of('Storage08', needle)}"
        assert any(k == "no-reentrancy" and d.endswith(where) for k, d in kinds), (where, kinds)


def test_every_soundness_contract_has_cases() -> None:
    """Every spec block of the fixtures is exercised by some case (no dead fixtures)."""
    named = {(str(p.values[0]), str(p.values[1])) for p in CASES}
    for spec in HERE.glob("*.spec"):
        text = spec.read_text(encoding="utf-8")
        blocks = [w.split()[1] for w in text.splitlines() if w.startswith("spec ")]
        for block in blocks:
            assert (spec.stem, block) in named, f"{spec.name}: spec {block} has no case"
