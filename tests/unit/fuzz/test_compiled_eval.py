"""The concrete evaluator's compiled shortcuts mean what the plain nodes mean.

`sum(m)` over a single-key read loops without a frame per key; a `sum` or quantifier
binds its variable in one frame it updates in place; a node that cannot be evaluated
fails only when evaluated. Each shortcut is compared with an equivalent expression the
shortcut does not apply to, on random storage.
"""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import given
from hypothesis import strategies as st

from solvency.ir import storage
from solvency.ir.types import ElementaryType, MappingType, StructField, StructType
from solvency.specs import typed
from solvency.specs.api import check_source
from solvency.specs.lower_concrete import ConcreteEnv, ConcreteFrame, Value, evaluate
from solvency.specs.types import UINT256, Kind, SType
from tests.unit.specs.models import ADDR, I128, U256, contract, fn, var

POS = StructType("Pos", (StructField("a", ElementaryType("uint8")), StructField("b", I128)))
MODEL = contract(
    "Book",
    [
        var("debt", MappingType(ADDR, I128), 0),
        var("pos", MappingType(ADDR, POS), 1),
        var("grid", MappingType(ADDR, MappingType(ADDR, U256)), 2),
    ],
    [fn("poke", [("amount", U256)])],
)
SPEC = """\
spec Book {
    invariant fast_debt: sum(debt) == sum(address u: debt[u] + 0);
    invariant fast_field: sum(address u: pos[u].b) == sum(address u: 0 + pos[u].b);
    invariant packed: sum(address u: pos[u].a) == sum(address u: pos[u].a * 1);
    invariant nested: sum(address u: sum(address v: grid[u][v]))
        == sum(address v: sum(address u: grid[u][v]));
    invariant all_rows: (forall address u: sum(address v: grid[u][v]) >= grid[u][u])
        && !(exists address u: grid[u][u] > sum(address v: grid[u][v]));
}
"""
(CHECKED,) = check_source(SPEC, MODEL, "<compiled>")
USERS = [0xA, 0xB, 0xC]
A = ElementaryType("address")


class Words:
    """A ConcreteState over a dict of storage words."""

    def __init__(self, words: dict[int, int]) -> None:
        self.words = words

    @property
    def this_address(self) -> int:
        return 0xFF

    def storage_word(self, slot: int) -> int:
        return self.words.get(slot, 0)

    def balance(self, address: int) -> int:
        return 0

    def keys(self, t: SType) -> Iterable[int]:
        return USERS if t.kind is Kind.ADDRESS else []

    def call_view(self, signature: str, args: tuple[Value, ...]) -> tuple[Value, ...]:
        raise AssertionError(signature)

    def input(self, name: str) -> int:
        raise AssertionError(name)

    def external_call(
        self, receiver: int, signature: str, args: tuple[Value, ...], outputs: tuple[str, ...]
    ) -> tuple[Value, ...]:
        raise AssertionError(signature)

    def immutable(self, name: str) -> int:
        raise AssertionError(name)


WORD = st.integers(0, 2**256 - 1)


@given(
    debt=st.lists(WORD, min_size=3, max_size=3),
    pos=st.lists(WORD, min_size=3, max_size=3),
    grid=st.lists(WORD, min_size=9, max_size=9),
)
def test_shortcuts_agree_with_the_plain_nodes(
    debt: list[int], pos: list[int], grid: list[int]
) -> None:
    words: dict[int, int] = {}
    for i, u in enumerate(USERS):
        words[storage.mapping_slot(0, u, A)] = debt[i]
        words[storage.mapping_slot(1, u, A)] = pos[i]
        for j, v in enumerate(USERS):
            words[storage.mapping_slot(storage.mapping_slot(2, u, A), v, A)] = grid[3 * i + j]
    state = Words(words)
    for inv in CHECKED.invariants:
        frame = ConcreteFrame(state=state, env=ConcreteEnv(), memo={})
        assert evaluate(inv.expr, frame) is True, inv.name


def test_a_node_that_cannot_be_evaluated_fails_only_when_evaluated() -> None:
    slotless = MODEL.state_variables[0].__class__("gone", U256, "Book", None, 0)
    broken = typed.StorageRead(slotless, (), UINT256)
    one = typed.Const(1, UINT256)
    taken = typed.Cond(typed.Const(True, typed.BOOL), one, broken, UINT256)
    frame = ConcreteFrame(state=Words({}))
    assert evaluate(taken, frame) == 1
    untaken = typed.Cond(typed.Const(False, typed.BOOL), one, broken, UINT256)
    try:
        evaluate(untaken, frame)
    except Exception as exc:  # InternalError: the read has no storage slot
        assert "no storage slot" in str(exc)
    else:
        raise AssertionError("a read without a slot evaluated")
