"""A Z3 model as a Counterexample: the call, and the pre-state storage it relies on.

Storage is written out for every path the function or the property read, at every
combination of the keys that matter (the call's arguments, the sender, `this`, the keys
the property and the writes used, and the keys the deployment already holds entries
under), zeros included, so the EVM state equals the model's on those entries. Each entry
carries its concrete slot and byte offset, computed from the layout (solvency.ir.storage).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from solvency.analyzers.symbolic.obligations import Query
from solvency.analyzers.symbolic.transition import Transition
from solvency.core.counterexample import AbiValue, Call, Counterexample, StorageAssumption
from solvency.core.errors import InternalError
from solvency.ir import storage
from solvency.ir import types as irt
from solvency.ir.model import Contract
from solvency.smt import terms as zt
from solvency.smt.portfolio import Portfolio as Session
from solvency.smt.terms import Term
from solvency.specs import typed
from solvency.specs.lower_smt import lower, sort_of

MAX_POOL = 12  # key values per width
MAX_ENTRIES = 256  # entries written per storage path
MAX_SHOWN = 24  # pre-state values listed in the counterexample (all are written on replay)
_STEP = re.compile(r"\[\]|\.[A-Za-z_$][A-Za-z0-9_$]*")


@dataclass(frozen=True, slots=True)
class Entry:
    """One storage value to write before the replayed call."""

    variable: str  # `deposits[0xab…]`
    slot: int
    offset: int
    type: irt.Type
    value: int
    focus: bool = True  # keyed only by values the call or the property names (shown)


@dataclass
class Draft:
    counterexample: Counterexample
    entries: list[Entry] = field(default_factory=list)
    balance: int | None = None  # the target's ETH balance in the pre-state
    keys: list[tuple[str, AbiValue]] = field(default_factory=list)  # for the key tracker
    problems: list[str] = field(default_factory=list)  # why a replay may not match


# ── values ────────────────────────────────────────────────────────────────────────────────


def _int(session: Session, t: Term) -> int:
    v = session.value(t)
    return int(v)


def abi_value(raw: int | bool, t: irt.Type) -> AbiValue:
    """A model value as an ABI argument of type `t`."""
    if isinstance(t, irt.ElementaryType):
        if t.name == "bool":
            return bool(raw)
        if t.name.startswith("address"):
            return f"0x{int(raw) % (1 << 160):040x}"
        if t.is_signed:
            bits = t.bits
            v = int(raw) % (1 << bits)
            return v - (1 << bits) if v >> (bits - 1) else v
        if t.name.startswith("bytes") and t.name != "bytes":
            return int(raw).to_bytes(t.bits // 8, "big")
        return int(raw)
    if isinstance(t, irt.ContractType):
        return f"0x{int(raw) % (1 << 160):040x}"
    return int(raw)


def abi_name(t: irt.Type) -> str:
    if isinstance(t, irt.ContractType):
        return "address"
    if isinstance(t, irt.EnumType):
        return "uint8"
    return str(t)


# ── pools of key values ───────────────────────────────────────────────────────────────────


def pools(
    session: Session,
    t: Transition,
    q: Query,
    tracked: Iterable[int] = (),
    tracked_ints: Iterable[int] = (),
) -> dict[int, list[int]]:
    """Key values per bit width: what the call and the property use, then the keys the
    deployment holds entries under."""
    out: dict[int, list[int]] = {}

    def add(term: Term) -> None:
        if zt.is_bool(term) or zt.is_int(term):
            return
        try:
            v = _int(session, term)
        except (ValueError, RuntimeError):
            return
        width = zt.bits_of(term)
        bucket = out.setdefault(width, [])
        if v not in bucket and len(bucket) < MAX_POOL:
            bucket.append(v)

    add(t.env.sender)
    add(t.pre.this)
    for term in t.args.values():
        add(term)
    for term in q.params.values():
        add(term)
    for e, frame in q.lowered:
        for r in (n for n in _reads(e)):
            for k in r.key_exprs():
                try:
                    add(lower(k, frame))
                except (InternalError, ValueError, KeyError):
                    continue  # a key bound inside a quantifier or sum: not in this frame
    for writes in t.writes.values():
        for w in writes:
            for k in w.keys:
                add(k)
    for a in tracked:
        bucket = out.setdefault(160, [])
        if a not in bucket:
            bucket.append(a)
    for i in tracked_ints:
        for width, bucket in out.items():
            if width != 160 and i not in bucket and len(bucket) < 2 * MAX_POOL:
                bucket.append(i)
    out.setdefault(256, [])
    if 0 not in out[256]:
        out[256].append(0)
    return out


def _reads(e: typed.TExpr) -> list[typed.StorageRead]:
    from solvency.analyzers.symbolic import walk  # noqa: PLC0415

    return walk.storage_reads([e])


# ── storage ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class PathShape:
    """A storage path id resolved against the contract's variables."""

    var: storage.StorageLocation
    name: str
    steps: tuple[tuple[str, irt.Type], ...]  # ("key"|"index"|"field:<name>"|"length", type)
    leaf: irt.Type


def shape(contract: Contract, path: str) -> PathShape | None:
    name = re.split(r"[\[.]", path, maxsplit=1)[0]
    var = contract.state_variable(name)
    if var is None or var.slot is None:
        return None
    t: irt.Type = var.type
    steps: list[tuple[str, irt.Type]] = []
    for tok in _STEP.findall(path[len(name) :]):
        if tok == "[]" and isinstance(t, irt.MappingType):
            steps.append(("key", t.key))
            t = t.value
        elif tok == "[]" and isinstance(t, irt.ArrayType):
            steps.append(("index", irt.ElementaryType("uint256")))
            t = t.element
        elif tok == ".length" and isinstance(t, irt.ArrayType):
            steps.append(("length", t))
            t = irt.ElementaryType("uint256")
        elif isinstance(t, irt.StructType) and (f := t.field(tok[1:])) is not None:
            steps.append((f"field:{f.name}", t))
            t = f.type
        else:
            return None
    return PathShape(storage.StorageLocation(var.slot, var.offset, var.type), name, tuple(steps), t)


def _key_bits(t: irt.Type) -> int:
    if isinstance(t, irt.ElementaryType) and t.name != "bool":
        return t.bits
    if isinstance(t, irt.ContractType):
        return 160
    if isinstance(t, irt.EnumType):
        return 8
    return 256


def entries_for(
    session: Session,
    contract: Contract,
    path: str,
    arr: Term,
    *,
    pool: dict[int, list[int]],
    focus: frozenset[int] = frozenset(),
) -> tuple[list[Entry], list[tuple[str, AbiValue]], str | None]:
    """Every entry of `path` at combinations of pool keys, with its slot and value."""
    sh = shape(contract, path)
    if sh is None:
        return [], [], f"storage path {path} has no layout"
    key_steps = [(k, t) for k, t in sh.steps if k in ("key", "index")]
    choices = [pool.get(_key_bits(t), [0]) for _, t in key_steps]
    out: list[Entry] = []
    keys: list[tuple[str, AbiValue]] = []
    for combo in itertools.islice(itertools.product(*choices), MAX_ENTRIES):
        accesses: list[storage.Access] = []
        text = sh.name
        it = iter(combo)
        terms: list[Term] = []
        for kind, t in sh.steps:
            if kind in ("key", "index"):
                v = next(it)
                terms.append(zt.value(v, zt.bv_sort(_key_bits(t))))
                accesses.append(storage.Key(v) if kind == "key" else storage.Index(v))
                shown = abi_value(v, t)
                text += f"[{shown.hex() if isinstance(shown, bytes) else shown}]"
                keys.append((abi_name(t), shown))
            elif kind == "length":
                accesses.append(storage.Length())
                text += ".length"
            else:
                accesses.append(storage.Field(kind.split(":", 1)[1]))
                text += "." + kind.split(":", 1)[1]
        try:
            loc = storage.locate(sh.var.slot, sh.var.offset, sh.var.type, accesses)
            term = zt.select(arr, terms) if terms else arr
            raw = session.value(term)
        except (storage.LayoutError, RuntimeError, ValueError):
            continue
        shown = all(v in focus for v in combo)
        slot = loc.slot % (1 << 256)  # array elements past a hash may wrap around
        out.append(Entry(text, slot, loc.offset, loc.type, int(raw), shown))
    return out, keys, None


def build(
    session: Session,
    contract: Contract,
    t: Transition,
    *,
    name: str,
    pool: dict[int, list[int]],
    constructor: bool = False,
) -> Draft:
    """The counterexample in the current model of `session`."""
    f = t.function
    problems: list[str] = []
    args: list[AbiValue] = []
    for p in f.parameters:
        value = _argument(session, t, p.name, p.type)
        if value is None:
            problems.append(f"argument {p.name} ({p.type}) is not a value the model gives")
            args.append(0)
            continue
        args.append(value)
    env = t.env
    call = Call(
        contract.name,
        f.signature,
        tuple(args),
        f"0x{_int(session, env.sender):040x}",
        _int(session, env.value),
        _int(session, env.timestamp),
        _int(session, env.number),
    )
    entries: list[Entry] = []
    keys: list[tuple[str, AbiValue]] = []
    focus = frozenset(_values(session, [env.sender, *t.args.values()]))
    focus |= frozenset(v for w in t.writes.values() for x in w for v in _values(session, x.keys))
    for path, arr in sorted(t.pre.storage.items()):
        found, used, problem = entries_for(session, contract, path, arr, pool=pool, focus=focus)
        entries.extend(found)
        keys.extend(used)
        if problem:
            problems.append(problem)
    for p, fp in zip(f.parameters, args, strict=True):
        keys.append((abi_name(p.type), fp))
    for e in entries:  # addresses held in storage (a deal's beneficiary) are keys too
        if e.value and abi_name(e.type) == "address":
            keys.append(("address", abi_value(e.value, e.type)))
    shown = tuple(
        StorageAssumption(e.variable, abi_value(e.value, e.type), e.slot)
        for e in entries
        if e.value and e.focus
    )[:MAX_SHOWN]
    balance = None
    if t.pre.balances is not None:
        balance = _int(session, t.pre.balance(t.pre.this))
        shown = (*shown, StorageAssumption("balance(this)", balance))
    cex = Counterexample(name, () if constructor else (call,), shown)
    return Draft(cex, entries, balance, keys, problems)


MAX_ARRAY_ARG = 16  # elements of an array argument a replay passes


def _argument(session: Session, t: Transition, name: str, typ: irt.Type) -> AbiValue | None:
    """A call argument in the model: a value, or a dynamic array of values (from the
    executor's `name` array and `name.length`)."""
    term = t.args.get(name)
    if term is None:
        return None
    try:
        if isinstance(typ, irt.ArrayType) and typ.length is None:
            length = t.args.get(f"{name}.length")
            n = _int(session, length) if length is not None else -1
            if not 0 <= n <= MAX_ARRAY_ARG:
                return None
            items = [
                session.value(zt.select(term, [zt.value(i, zt.bv_sort(256))])) for i in range(n)
            ]
            return tuple(abi_value(v, typ.element) for v in items)
        return abi_value(session.value(term), typ)
    except (ValueError, RuntimeError):
        return None


def _values(session: Session, terms: Iterable[Term]) -> list[int]:
    out: list[int] = []
    for term in terms:
        if zt.is_bool(term) or zt.is_int(term):
            continue
        try:
            out.append(_int(session, term))
        except (RuntimeError, ValueError):
            continue
    return out


def pins(session: Session, t: Transition) -> list[Term]:
    """The call's arguments and environment fixed to their model values."""
    out: list[Term] = []
    env = t.env
    for term in (*t.args.values(), env.sender, env.value, env.timestamp, env.number):
        try:
            out.append(zt.eq(term, zt.value(session.value(term), term.sort())))
        except (RuntimeError, ValueError):
            continue
    return out


def sum_facts(sums: Sequence[typed.Sum], t: Transition, pool: dict[int, list[int]]) -> list[Term]:
    """Each outer-free pre-state total equals its body summed over the pool's keys: the
    EVM's sum over the tracked keys then agrees with the model's total."""
    from solvency.analyzers.symbolic.sums import _Body  # noqa: PLC0415

    out: list[Term] = []
    for node in sums:
        if node.outer:
            continue
        sort = sort_of(node.var_type)
        bits = node.var_type.bits or 256
        body = _Body(node, t.env)
        parts = [body(t.pre, zt.value(k, sort), []) for k in pool.get(bits, [])]
        total: Term = zt.int_val(0)
        for p in parts:
            total = zt.add(total, p)
        start = t.pre.sum(node.sum_id, [], None, lambda _k: zt.int_val(0), sort)
        out.append(zt.eq(start, total))
    return out
