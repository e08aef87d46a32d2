"""Differential harness: one function's Transition (the symbolic executor) against revm.

A `Case` fixes everything a call depends on: arguments, sender, msg.value, timestamp, ETH
balances and every storage entry of every state variable at the keys of a small pool
(addresses of the actors, the target, zero; small integers and the argument values), zero
elsewhere. The case is written into a deployed instance and the call runs on revm; the
same values are pinned in Z3 (each storage array equals a constant-zero array with those
entries stored), and the Transition must agree:

- soundness: the EVM's observed outcome (success or revert, Panic(0x01) for a failed
  assert, return words, every pooled or written storage entry afterwards, ETH balances)
  is satisfiable together with the Transition — otherwise the encoding excludes a real
  execution, which could make the prover say PROVED wrongly;
- precision: when the Transition records no assumption, cut or unsupported operation, no
  other outcome is satisfiable (the encoding is a function of the pinned inputs).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from solvency.analyzers.fuzz.chain import Chain, address_of
from solvency.analyzers.symbolic import EncodeOptions, Transition, encode_function
from solvency.analyzers.symbolic.counterexample import shape
from solvency.analyzers.symbolic.exec_values import sort_of as value_sort
from solvency.analyzers.symbolic.exec_values import storage_paths
from solvency.build import CompiledContract
from solvency.ir import storage
from solvency.ir import types as irt
from solvency.ir.model import Contract, Function
from solvency.smt.solver import Session, SolverConfig, Verdict
from solvency.smt.state import SymbolicEnv, SymbolicState

ACTORS = tuple(address_of(i) for i in range(4))  # the deployer first: owner-only calls
MAX_COMBOS = 64


def addr_int(a: str) -> int:
    return int(a, 16)


@dataclass(frozen=True)
class Path:
    """One storage path id with its key sorts, value sort and layout shape."""

    id: str
    key_sorts: tuple[Any, ...]
    value_sort: Any
    leaf: irt.Type
    key_types: tuple[irt.Type, ...]
    indexed: tuple[bool, ...]  # per key: an array index (not a mapping key)


@dataclass
class Target:
    """A deployed contract and its model; `base` is the EVM snapshot every case starts from."""

    contract: Contract
    compiled: CompiledContract
    chain: Chain
    address: str
    paths: list[Path]
    others: tuple[int, ...] = ()  # further addresses to use as keys and arguments
    base: Any = None
    initial: dict[tuple[str, tuple[int, ...]], int] = field(default_factory=dict)
    immutables: dict[str, int] = field(default_factory=dict)  # name → deployed value
    # External results known from the deployment (an oracle's fixed price): the call's
    # `File.sol:line` → its return value; the executor's fresh `ret@…` terms there take
    # the value and its `call_ok@…` terms True.
    external_pins: tuple[tuple[str, int], ...] = ()

    def record_immutables(self) -> None:
        """Immutables live in the code: read each through its public getter."""
        for v in self.contract.state_variables:
            entry = self.compiled.function(f"{v.name}()")
            if v.immutable and entry is not None:
                (raw,) = self.chain.view(self.address, entry, [])
                self.immutables[v.name] = addr_int(raw) if isinstance(raw, str) else int(raw)

    def record_initial(self) -> None:
        """Remember the deployed values at the argument-independent keys (before any case),
        so cases can keep them: a reentrancy lock or an owner then often lets calls pass."""
        for path in self.paths:
            for keys in combos(path, self, []):
                loc = _location(self, path, keys)
                word = self.chain.storage(self.address, loc.slot)
                self.initial[(path.id, keys)] = _pattern(
                    storage.decode(word, loc.offset, loc.type), loc.type
                )

    @property
    def this(self) -> int:
        return addr_int(self.address)

    def addresses(self) -> list[int]:
        return sorted({0, self.this, *self.others, *(addr_int(a) for a in ACTORS)})


def paths_of(contract: Contract) -> list[Path]:
    out: list[Path] = []
    for v in contract.state_variables:
        if v.constant or v.immutable or v.slot is None:
            continue
        for pid, keys, value in storage_paths(v.name, v.type):
            sh = shape(contract, pid)
            if sh is None:
                continue
            kts = tuple(t for k, t in sh.steps if k in ("key", "index"))
            idx = tuple(k == "index" for k, _t in sh.steps if k in ("key", "index"))
            out.append(Path(pid, tuple(keys), value, sh.leaf, kts, idx))
    return out


@dataclass
class Encoded:
    function: Function
    transition: Transition
    pairs: list[tuple[Any, Any]] = field(default_factory=list)  # the current case's values

    def fix(self, term: Any) -> Any:
        """`term` with the current case substituted and simplified."""
        return z3.simplify(z3.substitute(term, *self.pairs)) if self.pairs else term

    @property
    def exact(self) -> bool:
        """No recorded over-approximation: then the outcome must be unique."""
        t = self.transition
        if t.assumptions or t.unsupported or t.loop_bound_hit is not None:
            return False
        terms = [t.success, *t.returns, *t.post.storage.values(), *t.constraints]
        return not uses_function(terms, "evm.exp")  # evm.exp's documented inexact case


def encode(target: Target, function: Function, loop_bound: int = 4) -> Encoded:
    pre = SymbolicState("pre")
    t = encode_function(
        target.contract, function, pre, SymbolicEnv.fresh("env"), EncodeOptions(loop_bound)
    )
    return Encoded(function, t)


def constants(terms: Sequence[Any]) -> list[Any]:
    """The uninterpreted constants occurring in the terms."""
    seen: set[int] = set()
    out = []
    todo = [t for t in terms if isinstance(t, z3.ExprRef)]
    while todo:
        t = todo.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_const(t) and t.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            out.append(t)
        if z3.is_app(t):
            todo.extend(t.children())
        elif z3.is_quantifier(t):
            todo.append(t.body())
    return out


def uses_function(terms: Sequence[Any], prefix: str) -> bool:
    """Whether an uninterpreted function named `prefix…` occurs in the terms."""
    seen: set[int] = set()
    todo = [t for t in terms if isinstance(t, z3.ExprRef)]
    while todo:
        t = todo.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_app(t):
            if t.decl().kind() == z3.Z3_OP_UNINTERPRETED and t.decl().name().startswith(prefix):
                return True
            todo.extend(t.children())
        elif z3.is_quantifier(t):
            todo.append(t.body())
    return False


# ── a case ───────────────────────────────────────────────────────────────────────────────


@dataclass
class Case:
    args: dict[str, Any]  # ABI values by parameter name (lists for arrays)
    sender: str
    value: int
    timestamp: int
    balances: dict[int, int]  # address → wei, for every pooled address
    entries: dict[str, dict[tuple[int, ...], int]]  # path → keys → value (bit patterns)


@dataclass
class Observed:
    success: bool
    panic: int | None
    returns: list[int]
    post: dict[str, dict[tuple[int, ...], int]] = field(default_factory=dict)
    balances: dict[int, int] = field(default_factory=dict)
    reason: str = ""


def key_pool(bits: int | None, target: Target, extra: Sequence[int]) -> list[int]:
    """Candidate keys of one key sort (None: bool)."""
    if bits is None:
        return [0, 1]
    if bits == 160:
        return target.addresses()
    mask = (1 << bits) - 1
    return sorted({0, 1, 2, *(x & mask for x in extra)})


def combos(path: Path, target: Target, extra: Sequence[int]) -> list[tuple[int, ...]]:
    pools = [
        [0, 1, 2, 3] if index else key_pool(_bits(s), target, extra)
        for s, index in zip(path.key_sorts, path.indexed, strict=True)
    ]
    return list(itertools.islice(itertools.product(*pools), MAX_COMBOS))


def _bits(sort: Any) -> int | None:
    return None if sort == z3.BoolSort() else int(sort.size())


def _val(v: int, sort: Any) -> Any:
    if sort == z3.BoolSort():
        return z3.BoolVal(bool(v))
    return z3.BitVecVal(v % (1 << sort.size()), sort.size())


def _location(target: Target, path: Path, keys: tuple[int, ...]) -> storage.StorageLocation:
    sh = shape(target.contract, path.id)
    assert sh is not None
    accesses: list[storage.Access] = []
    it = iter(keys)
    for kind, _t in sh.steps:
        if kind == "key":
            accesses.append(storage.Key(next(it)))
        elif kind == "index":
            accesses.append(storage.Index(next(it)))
        elif kind == "length":
            accesses.append(storage.Length())
        else:
            accesses.append(storage.Field(kind.split(":", 1)[1]))
    return storage.locate(sh.var.slot, sh.var.offset, sh.var.type, accesses)


def _pattern(v: int, t: irt.Type) -> int:
    size = storage.value_size(t)
    assert size is not None
    return v % (1 << (8 * size))


# ── the EVM side ─────────────────────────────────────────────────────────────────────────


def _write_pre(target: Target, case: Case) -> None:
    chain, addr = target.chain, target.address
    for path in target.paths:
        for keys, v in case.entries.get(path.id, {}).items():
            loc = _location(target, path, keys)
            word = chain.storage(addr, loc.slot)
            chain.set_storage(addr, loc.slot, storage.encode(word, loc.offset, loc.type, v))
    for a, wei in case.balances.items():
        chain.fund(f"0x{a:040x}", wei)


def run_evm(
    target: Target, enc: Encoded, case: Case, watch: dict[str, set[tuple[int, ...]]]
) -> Observed:
    chain = target.chain
    if target.base is None:
        target.base = chain.snapshot()
    chain.revert(target.base)
    target.base = chain.snapshot()
    chain.warp(case.timestamp - chain.timestamp)
    _write_pre(target, case)
    fn = enc.function
    entry = target.compiled.function(fn.signature)
    assert entry is not None, fn.signature
    args = [case.args[p.name] for p in fn.parameters]
    result = chain.call(case.sender, target.address, entry, args, case.value)
    obs = Observed(result.success, result.panic_code, [], reason=result.reason)
    if result.success:
        out = result.output
        obs.returns = [
            int.from_bytes(out[32 * i : 32 * i + 32], "big") for i in range(len(fn.returns))
        ]
        for path in target.paths:
            got: dict[tuple[int, ...], int] = {}
            for keys in watch.get(path.id, set()):
                try:
                    loc = _location(target, path, keys)
                except storage.LayoutError:
                    continue
                word = chain.storage(target.address, loc.slot)
                got[keys] = _pattern(storage.decode(word, loc.offset, loc.type), loc.type)
            obs.post[path.id] = got
        obs.balances = {a: chain.balance(f"0x{a:040x}") for a in case.balances}
    return obs


# ── the Z3 side ──────────────────────────────────────────────────────────────────────────


def _array_of(entries: dict[tuple[int, ...], int], path: Path) -> Any:
    if not path.key_sorts:
        return _val(entries.get((), 0), path.value_sort)
    zero = _val(0, path.value_sort)
    dom = list(path.key_sorts)
    arr = z3.K(dom[0], zero) if len(dom) == 1 else z3.Lambda([z3.FreshConst(s) for s in dom], zero)
    for keys, v in entries.items():
        arr = z3.Store(
            arr, *[_val(k, s) for k, s in zip(keys, dom, strict=True)], _val(v, path.value_sort)
        )
    return arr


def _arg_pins(t: Transition, fn: Function, case: Case) -> list[Any]:
    pins = []
    for p in fn.parameters:
        v = case.args[p.name]
        if isinstance(v, list):
            length = t.args[f"{p.name}.length"]
            data = t.args[p.name]
            pins.append(length == len(v))
            es = data.sort().range()
            for i, x in enumerate(v):
                pins.append(z3.Select(data, z3.BitVecVal(i, 256)) == _val(_abi_int(x), es))
            continue
        term = t.args[p.name]
        pins.append(term == _val(_abi_int(v), term.sort()))
    return pins


def _abi_int(v: Any) -> int:
    if isinstance(v, str):
        return addr_int(v)
    if isinstance(v, bytes):
        return int.from_bytes(v, "big")
    return int(v)


def pins(target: Target, enc: Encoded, case: Case) -> list[Any]:
    """The Transition's constraints with the case substituted for the pre-state, the call
    and the environment (substitution, then Z3's simplifier, does most of the work that
    equalities over arrays would leave to the solver)."""
    t = enc.transition
    env = t.env
    pairs = [(t.pre.this, _val(target.this, z3.BitVecSort(160)))]
    pairs += [(env.sender, _val(addr_int(case.sender), z3.BitVecSort(160)))]
    pairs += [(env.value, _val(case.value, z3.BitVecSort(256)))]
    pairs += [(env.timestamp, _val(case.timestamp, z3.BitVecSort(256)))]
    pairs += [(env.number, _val(target.chain.block_number, z3.BitVecSort(256)))]
    extra = _arg_pins(t, enc.function, case)
    for path in target.paths:
        term = t.pre.storage_term(path.id, list(path.key_sorts), path.value_sort)
        pairs.append((term, _array_of(case.entries.get(path.id, {}), path)))
    t.pre.balance(t.pre.this)
    bal = z3.K(z3.BitVecSort(160), z3.BitVecVal(0, 256))
    for a, wei in case.balances.items():
        bal = z3.Store(bal, z3.BitVecVal(a, 160), z3.BitVecVal(wei, 256))
    pairs.append((t.pre.balances, bal))
    for v in target.contract.state_variables:
        if v.immutable and v.name in target.immutables:
            sort = value_sort(v.type)
            pairs.append((t.pre.immutable(v.name, sort), _val(target.immutables[v.name], sort)))
    if target.external_pins:
        for c in constants([t.success, *t.returns, *t.constraints, *t.post.storage.values()]):
            name = c.decl().name()
            for where, v in target.external_pins:
                if f"{where}#" not in name:
                    continue
                if "call_ok@" in name:
                    pairs.append((c, z3.BoolVal(True)))
                elif "ret@" in name:
                    pairs.append((c, _val(v, c.sort())))
    enc.pairs = [(a, b) for a, b in pairs if z3.is_const(a)]
    fixed = [enc.fix(c) for c in (*t.constraints, *t.pre.assumptions, *extra)]
    # Values are read through `enc.fix` too, so the array equalities need not be asserted
    # (they would cost the solver extensionality reasoning).
    return fixed


def _ret_word(term: Any, ptype: irt.Type) -> Any:
    if z3.is_bool(term):
        return z3.If(term, z3.BitVecVal(1, 256), z3.BitVecVal(0, 256))
    n = term.size()
    if isinstance(ptype, irt.ElementaryType) and ptype.name.startswith("bytes"):
        return z3.Concat(term, z3.BitVecVal(0, 256 - n)) if n < 256 else term
    signed = isinstance(ptype, irt.ElementaryType) and ptype.is_signed
    if n == 256:
        return term
    return z3.SignExt(256 - n, term) if signed else z3.ZeroExt(256 - n, term)


def observation(target: Target, enc: Encoded, obs: Observed) -> Any:
    """The observed outcome as one formula over the Transition."""
    t = enc.transition
    failed_assert = z3.Or(*[c for c, _ in t.asserts]) if t.asserts else z3.BoolVal(False)
    facts = [t.success == obs.success, failed_assert == (obs.panic == 0x01)]
    if obs.success:
        for r, p, w in zip(t.returns, enc.function.returns, obs.returns, strict=False):
            facts.append(_ret_word(r, p.type) == z3.BitVecVal(w, 256))
        for path in target.paths:
            arr = t.post.storage.get(path.id)
            if arr is None:
                continue
            for keys, v in obs.post.get(path.id, {}).items():
                sel = (
                    z3.Select(arr, *[_val(k, s) for k, s in zip(keys, path.key_sorts, strict=True)])
                    if keys
                    else arr
                )
                facts.append(sel == _val(v, path.value_sort))
        if t.post.balances is not None:
            for a, wei in obs.balances.items():
                facts.append(
                    z3.Select(t.post.balances, z3.BitVecVal(a, 160)) == z3.BitVecVal(wei, 256)
                )
    return enc.fix(z3.And(*facts))


def written_keys(target: Target, enc: Encoded, session: Session) -> dict[str, set[tuple[int, ...]]]:
    """The keys each write used, in the model (entries the function made outside the pool)."""
    out: dict[str, set[tuple[int, ...]]] = {}
    arity = {p.id: len(p.key_sorts) for p in target.paths}
    for pid, writes in enc.transition.writes.items():
        for w in writes:
            if len(w.keys) != arity.get(pid, -1):
                continue  # a whole-array write (delete): the pooled entries cover it
            try:
                if not session.value(enc.fix(w.guard)):
                    continue
                keys = tuple(int(session.value(enc.fix(k))) for k in w.keys)
            except (ValueError, RuntimeError):
                continue
            out.setdefault(pid, set()).add(keys)
    return out


@dataclass
class Verdicts:
    sound: Verdict  # SAT expected
    model_success: bool | None
    precise: Verdict | None  # UNSAT expected when the transition is exact
    detail: str = ""


def compare(target: Target, enc: Encoded, case: Case) -> tuple[Verdicts, Observed]:
    base = pins(target, enc, case)
    session = Session(SolverConfig(timeout_ms=20_000, rlimit=100_000_000))
    session.add(*base)
    first = session.check()
    watch: dict[str, set[tuple[int, ...]]] = {}
    extra = [_abi_int(v) for v in case.args.values() if not isinstance(v, list)]
    for path in target.paths:
        watch[path.id] = set(combos(path, target, extra))
    model_success = None
    if first.verdict is Verdict.SAT:
        model_success = bool(session.value(enc.fix(enc.transition.success)))
        for pid, keys in written_keys(target, enc, session).items():
            watch.setdefault(pid, set()).update(keys)
    obs = run_evm(target, enc, case, watch)
    seen = observation(target, enc, obs)
    with session.scope():
        session.add(seen)
        sound = session.check()
    precise = None
    if enc.exact and sound.verdict is Verdict.SAT:
        with session.scope():
            session.add(z3.Not(seen))
            precise = session.check().verdict
    return Verdicts(sound.verdict, model_success, precise, sound.reason), obs


def explain(target: Target, enc: Encoded, case: Case, obs: Observed) -> list[str]:
    """Which observed facts the Transition's model disagrees with (for the failure text)."""
    session = Session(SolverConfig(timeout_ms=20_000, rlimit=100_000_000))
    session.add(*pins(target, enc, case))
    if session.check().verdict is not Verdict.SAT:
        return ["the pinned pre-state and call are unsatisfiable with the Transition's constraints"]
    t = enc.transition
    out: list[str] = []
    ok = bool(session.value(enc.fix(t.success)))
    if ok != obs.success:
        out.append(f"success: model {ok}, revm {obs.success} ({obs.reason})")
        return out
    if not obs.success:
        return out
    for i, (r, p, w) in enumerate(zip(t.returns, enc.function.returns, obs.returns, strict=False)):
        m = int(session.value(enc.fix(_ret_word(r, p.type))))
        if m != w:
            out.append(f"return {i}: model {m:#x}, revm {w:#x}")
    for path in target.paths:
        arr = t.post.storage.get(path.id)
        if arr is None:
            continue
        for keys, v in obs.post.get(path.id, {}).items():
            ks = [_val(k, s) for k, s in zip(keys, path.key_sorts, strict=True)]
            m = int(session.value(enc.fix(z3.Select(arr, *ks) if keys else arr)))
            if m != v:
                shown = ",".join(f"{k:#x}" for k in keys)
                out.append(f"post {path.id}[{shown}]: model {m:#x}, revm {v:#x}")
    if t.post.balances is not None:
        for a, wei in obs.balances.items():
            m = int(session.value(enc.fix(z3.Select(t.post.balances, z3.BitVecVal(a, 160)))))
            if m != wei:
                out.append(f"balance {a:#x}: model {m}, revm {wei}")
    return out or ["the model agrees; another model must (Z3 found the observation unsat)"]
