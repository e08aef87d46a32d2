"""One logical contract state, realised twice: as EVM storage words (for the concrete
evaluator) and as Z3 constraints on a SymbolicState (for the SMT lowering).

A "leaf" is a storage path with its keys, e.g. ("position[][].collateral", (id, user)).
The same leaf values feed both sides, so any disagreement between the evaluations is a
disagreement between the two lowerings (or between storage.py's layout and its decoder).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st

from solvency.ir import storage
from solvency.ir.model import Contract
from solvency.ir.types import (
    ArrayType,
    ElementaryType,
    EnumType,
    MappingType,
    StructField,
    StructType,
)
from solvency.smt import terms as zt
from solvency.smt.solver import Session
from solvency.smt.state import SymbolicEnv, SymbolicState
from solvency.specs import typed
from solvency.specs.lower_concrete import ConcreteEnv, GhostStore
from solvency.specs.types import SType
from tests.unit.specs.models import ADDR, B32, BOOL, I256, U128, U256, contract, fn, var

I64 = ElementaryType("int64")
U16 = ElementaryType("uint16")
U64 = ElementaryType("uint64")
MKT = StructType(
    "Mkt",
    (
        StructField("supply", U128),
        StructField("borrow", U128),
        StructField("rate", I64),
        StructField("fee", U64),
    ),
)
POS = StructType(
    "Pos",
    (
        StructField("shares", U256),
        StructField("debt", U128),
        StructField("collateral", U128),
    ),
)

# (name, type, slot, offset): packed scalars share slot 0 and 2 to exercise offsets.
VARS = [
    ("owner", ADDR, 0, 0),
    ("paused", BOOL, 0, 20),
    ("fee", U16, 0, 21),
    ("small", I64, 0, 23),
    ("total", U256, 1, 0),
    ("tiny", ElementaryType("int8"), 2, 0),
    ("kind", EnumType("K", ("A", "B", "C")), 2, 1),
    ("collateral", MappingType(ADDR, U256), 3, 0),
    ("allowance", MappingType(ADDR, MappingType(ADDR, U256)), 4, 0),
    ("debt", MappingType(ADDR, I256), 5, 0),
    ("market", MappingType(B32, MKT), 6, 0),
    ("position", MappingType(B32, MappingType(ADDR, POS)), 7, 0),
    ("limits", ArrayType(U128, 4), 8, 0),
    ("users", ArrayType(ADDR), 10, 0),
    ("flags", MappingType(ADDR, BOOL), 11, 0),
]

WORLD = contract(
    "World",
    [var(n, t, s, o) for n, t, s, o in VARS]
    + [
        var("CAP", U256, None, constant=True, constant_value=10**24),
        var("token", ADDR, None, immutable=True),
    ],
    [fn("poke", [("amount", U256)]), fn("collateralOf", [("u", ADDR)], [U256], "view")],
)

KEYS_OF: dict[str, tuple[str, ...]] = {}  # leaf path → kinds of its keys ("addr", "id", "idx")
LEAF_TYPE: dict[str, object] = {}


def _leaves() -> None:
    def walk(path: str, t: object, keys: tuple[str, ...]) -> None:
        if isinstance(t, MappingType):
            k = "addr" if t.key == ADDR else "id"
            walk(path + "[]", t.value, (*keys, k))
        elif isinstance(t, StructType):
            for f in t.fields:
                walk(f"{path}.{f.name}", f.type, keys)
        elif isinstance(t, ArrayType):
            if t.length is None:
                KEYS_OF[path + ".length"], LEAF_TYPE[path + ".length"] = keys, U256
            walk(path + "[]", t.element, (*keys, "idx"))
        else:
            KEYS_OF[path], LEAF_TYPE[path] = keys, t

    for n, t, _, _ in VARS:
        walk(n, t, ())


_leaves()


@dataclass
class World:
    """Leaf values of one state plus the environment both evaluations see."""

    addrs: list[int]
    ids: list[int]
    leaves: dict[tuple[str, tuple[int, ...]], int]
    balances: dict[int, int]
    this: int
    env: ConcreteEnv
    price: int
    token: int
    ghost_g: int
    ghost_m: dict[int, int] = field(default_factory=dict)
    # Other contracts' views: held[(token, who)] (balanceOf) and rounds[feed] (roundId,
    # answer, updatedAt) of latestRoundData(); zero wherever the world says nothing.
    held: dict[tuple[int, int], int] = field(default_factory=dict)
    rounds: dict[int, tuple[int, int, int]] = field(default_factory=dict)

    def domain(self, kind: str) -> list[int]:
        return {"addr": self.addrs, "id": self.ids, "idx": [0, 1, 2, 3]}[kind]


def _value_strategy(t: object) -> st.SearchStrategy[int]:
    from solvency.specs.types import from_ir

    s = from_ir(t)  # type: ignore[arg-type]
    assert (s is not None and s.range() is not None) or s is not None
    if s.kind.value == "bool":
        return st.integers(0, 1)
    lo, hi = s.range()  # type: ignore[misc]
    if isinstance(t, EnumType):
        hi = len(t.values) - 1
    edges = [v for v in (lo, hi, 0, 1, -1, hi // 2, lo // 2) if lo <= v <= hi]
    return st.one_of(st.sampled_from(edges), st.integers(lo, hi))


ADDRESS = st.one_of(st.sampled_from([0, 1, (1 << 160) - 1]), st.integers(0, (1 << 160) - 1))


@st.composite
def worlds(draw: st.DrawFn, like: World | None = None) -> World:
    """A random state; `like` fixes the key domains, `this` and immutables (a later state
    of the same contract)."""
    addrs = like.addrs if like else draw(st.lists(ADDRESS, min_size=1, max_size=3, unique=True))
    ids = (
        like.ids
        if like
        else draw(st.lists(st.integers(0, (1 << 256) - 1), min_size=1, max_size=2, unique=True))
    )
    leaves: dict[tuple[str, tuple[int, ...]], int] = {}
    dom = {"addr": addrs, "id": ids, "idx": [0, 1, 2, 3]}
    for path, kinds in KEYS_OF.items():
        combos: list[tuple[int, ...]] = [()]
        for k in kinds:
            combos = [(*c, v) for c in combos for v in dom[k]]
        if path == "users[]":
            combos = combos[:3]
        for c in combos:
            if draw(st.booleans()):  # leave some entries at storage's zero
                leaves[(path, c)] = draw(_value_strategy(LEAF_TYPE[path]))
    leaves[("users.length", ())] = 3
    u256 = st.integers(0, (1 << 256) - 1)
    return World(
        addrs,
        ids,
        leaves,
        {a: draw(st.one_of(st.just(0), u256)) for a in addrs},
        like.this if like else draw(st.sampled_from(addrs)),
        ConcreteEnv(draw(st.sampled_from(addrs)), draw(u256), draw(u256), draw(u256)),
        draw(st.integers(10**16, 10**22)),
        like.token if like else draw(ADDRESS),
        draw(st.integers(-(2**300), 2**300)),
        {a: draw(st.integers(0, 2**256 - 1)) for a in addrs},
        {
            (t, u): draw(st.integers(0, 2**256 - 1))
            for t in addrs
            for u in addrs
            if draw(st.booleans())
        },
        {
            a: (
                draw(st.integers(0, 2**80 - 1)),
                draw(st.integers(-(2**255), 2**255 - 1)),
                draw(st.integers(0, 2**256 - 1)),
            )
            for a in addrs
            if draw(st.booleans())
        },
    )


# ── the concrete side ────────────────────────────────────────────────────────────────────


def _accesses(path: str, keys: tuple[int, ...]) -> tuple[str, list[storage.Access]]:
    root = path.split("[", maxsplit=1)[0].split(".", maxsplit=1)[0]
    rest = path[len(root) :]
    out: list[storage.Access] = []
    it = iter(keys)
    i = 0
    while i < len(rest):
        if rest.startswith("[]", i):
            k = next(it)
            out.append(storage.Key(k))
            i += 2
        else:
            j = i + 1
            while j < len(rest) and rest[j] not in ".[":
                j += 1
            name = rest[i + 1 : j]
            out.append(storage.Length() if name == "length" else storage.Field(name))
            i = j
    return root, out


def storage_words(w: World) -> dict[int, int]:
    words: dict[int, int] = {}
    by_name = {n: (t, s, o) for n, t, s, o in VARS}
    for (path, keys), value in w.leaves.items():
        root, acc = _accesses(path, keys)
        t, slot, off = by_name[root]
        # Array indices are written as Index steps, mapping keys as Key steps.
        fixed: list[storage.Access] = []
        cur: object = t
        for step in acc:
            a = (
                storage.Index(step.value)
                if isinstance(step, storage.Key) and isinstance(cur, ArrayType)
                else step
            )
            fixed.append(a)
            cur = storage.locate(0, 0, t, fixed).type
        loc = storage.locate(slot, off, t, fixed)
        words[loc.slot] = storage.encode(words.get(loc.slot, 0), loc.offset, loc.type, value)
    return words


@dataclass
class WorldState:
    """`ConcreteState` over a World."""

    w: World
    words: dict[int, int]

    @property
    def this_address(self) -> int:
        return self.w.this

    def storage_word(self, slot: int) -> int:
        return self.words.get(slot, 0)

    def balance(self, address: int) -> int:
        return self.w.balances.get(address, 0)

    def keys(self, t: SType) -> Iterable[int]:
        if t.bits == 160:
            return self.w.addrs
        if t.bits == 256:
            return self.w.ids
        return []

    def call_view(self, signature: str, args: tuple[int | bool, ...]) -> tuple[int | bool, ...]:
        assert signature == "collateralOf(address)"
        return (self.w.leaves.get(("collateral[]", (int(args[0]),)), 0),)

    def input(self, name: str) -> int:
        return self.w.price

    def external_call(
        self, receiver: int, signature: str, args: tuple[int | bool, ...], outputs: tuple[str, ...]
    ) -> tuple[int | bool, ...]:
        if signature == "balanceOf(address)":
            assert outputs == ("uint256",)
            return (self.w.held.get((receiver, int(args[0])), 0),)
        assert signature == "latestRoundData()" and outputs == ("uint80", "int256", "uint256")
        return self.w.rounds.get(receiver, (0, 0, 0))

    def immutable(self, name: str) -> int:
        return self.w.token


def concrete(w: World, ghosts: Sequence[typed.Ghost]) -> tuple[WorldState, GhostStore]:
    store = GhostStore(ghosts)
    store.set("g", (), w.ghost_g)
    for a, v in w.ghost_m.items():
        store.set("gm", (a,), v)
    return WorldState(w, storage_words(w)), store


# ── the symbolic side ────────────────────────────────────────────────────────────────────


def _sort(kind: str) -> object:
    return zt.bv_sort(160 if kind == "addr" else 256)


def _leaf_sort(path: str) -> object:
    from solvency.specs.lower_smt import sort_of
    from solvency.specs.types import from_ir

    s = from_ir(LEAF_TYPE[path])  # type: ignore[arg-type]
    assert s is not None
    return sort_of(s)


def symbolic(w: World, prefix: str, session: Session) -> SymbolicState:
    """A fresh SymbolicState whose every part is *constrained* (in `session`) to w's values."""
    state = SymbolicState(prefix, finite_domains={160: w.addrs, 256: w.ids})
    for path, kinds in KEYS_OF.items():
        sort = _leaf_sort(path)
        key_sorts = [_sort(k) for k in kinds]
        term = state.storage_term(path, key_sorts, sort)
        pinned = zt.const_array(key_sorts, zt.value(0, sort)) if kinds else zt.value(0, sort)
        for (p, keys), v in w.leaves.items():
            if p != path:
                continue
            val = zt.value(v, sort)
            if kinds:
                pinned = zt.store(
                    pinned, [zt.value(k, s) for k, s in zip(keys, key_sorts, strict=True)], val
                )
            else:
                pinned = val
        session.add(zt.eq(term, pinned))
    bal = zt.const_array([zt.bv_sort(160)], zt.value(0, zt.bv_sort(256)))
    for a, v in w.balances.items():
        bal = zt.store(bal, [zt.value(a, zt.bv_sort(160))], zt.value(v, zt.bv_sort(256)))
    addr0 = zt.value(0, zt.bv_sort(160))
    session.add(zt.eq(zt.select(bal, [addr0]), state.balance(addr0)))  # create the array
    session.add(zt.eq(state.balances, bal))
    session.add(zt.eq(state.this, zt.value(w.this, zt.bv_sort(160))))
    session.add(
        zt.eq(state.immutable("token", zt.bv_sort(160)), zt.value(w.token, zt.bv_sort(160)))
    )
    session.add(
        zt.eq(
            state.input("price", zt.bv_sort(256), 10**16, 10**22),
            zt.value(w.price, zt.bv_sort(256)),
        )
    )
    session.add(zt.eq(state.ghost("g", [], zt.int_sort()), zt.int_val(w.ghost_g)))
    gm = zt.const_array([zt.bv_sort(160)], zt.value(0, zt.bv_sort(256)))
    for a, v in w.ghost_m.items():
        gm = zt.store(gm, [zt.value(a, zt.bv_sort(160))], zt.value(v, zt.bv_sort(256)))
    state.ghost("gm", [addr0], zt.bv_sort(256))
    session.add(zt.eq(state.ghosts["gm"], gm))
    state.view_impls["collateralOf(address)"] = lambda args: state.read(
        "collateral[]", list(args), zt.bv_sort(256)
    )
    _pin_externals(w, state)
    return state


def _table(points: dict[tuple[int, ...], int], sorts: list[object], ret: object) -> object:
    """A function of its arguments that is `points` at those points and zero elsewhere."""

    def f(args: Sequence[object]) -> object:
        out = zt.value(0, ret)
        for key, v in points.items():
            at = zt.and_(
                *(zt.eq(a, zt.value(k, s)) for a, k, s in zip(args, key, sorts, strict=True))
            )
            out = zt.ite(at, zt.value(v, ret), out)
        return out

    return f


def _pin_externals(w: World, state: SymbolicState) -> None:
    a160, u256 = zt.bv_sort(160), zt.bv_sort(256)
    state.external_impls["balanceOf(address)#0"] = _table(dict(w.held), [a160, a160], u256)  # type: ignore[assignment]
    for i, bits in enumerate((80, 256, 256)):
        points = {(a,): r[i] for a, r in w.rounds.items()}
        state.external_impls[f"latestRoundData()#{i}"] = _table(points, [a160], zt.bv_sort(bits))  # type: ignore[assignment]


def symbolic_env(w: World, prefix: str, session: Session) -> SymbolicEnv:
    env = SymbolicEnv.fresh(prefix)
    session.add(zt.eq(env.sender, zt.value(w.env.sender, zt.bv_sort(160))))
    session.add(zt.eq(env.value, zt.value(w.env.value, zt.bv_sort(256))))
    session.add(zt.eq(env.timestamp, zt.value(w.env.timestamp, zt.bv_sort(256))))
    session.add(zt.eq(env.number, zt.value(w.env.number, zt.bv_sort(256))))
    return env


def world_contract() -> Contract:
    return WORLD
