"""A symbolic contract state: what spec expressions read, as Z3 terms.

Storage is one Z3 array per *storage path* (`position[][].collateral`), indexed by all the
keys along the path; a value-type variable is a plain constant. Everything is created
lazily and named `<prefix>.<path>`, so two states (before/after a call) are independent
until the prover relates them. The prover plugs its transition relation in through
`set_storage`/`set_sum`; the defaults below are unconstrained ("any state").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from solvency.smt import terms as zt
from solvency.smt.terms import Sort, Term

# The executor's storage path for the summarized ERC20 balances (not a contract variable).
TOKENS_PATH = "erc20:balanceOf"


@dataclass
class SymbolicEnv:
    """The environment of one call: msg.sender, msg.value, block.timestamp, block.number."""

    sender: Term
    value: Term
    timestamp: Term
    number: Term

    @classmethod
    def fresh(cls, prefix: str) -> SymbolicEnv:
        return cls(
            zt.const(f"{prefix}.msg.sender", zt.bv_sort(160)),
            zt.const(f"{prefix}.msg.value", zt.bv_sort(256)),
            zt.const(f"{prefix}.block.timestamp", zt.bv_sort(256)),
            zt.const(f"{prefix}.block.number", zt.bv_sort(256)),
        )


@dataclass
class SymbolicState:
    """Storage, balances, ghosts, inputs and view results of the target in one state.

    `finite_domains` (bits → candidate keys) switches `sum` and quantifiers over those key
    widths to finite expansions: used by bounded checks and by the differential tests,
    where the state is known to be zero outside the listed keys.
    """

    prefix: str
    this: Term = field(default_factory=lambda: zt.const("this", zt.bv_sort(160)))
    finite_domains: dict[int, Sequence[int]] | None = None
    storage: dict[str, Term] = field(default_factory=dict)
    ghosts: dict[str, Term] = field(default_factory=dict)
    inputs: dict[str, Term] = field(default_factory=dict)
    sums: dict[str, Term] = field(default_factory=dict)
    views: dict[str, Term] = field(default_factory=dict)
    # A view's meaning when known (the prover inlines the function, tests give a model).
    view_impls: dict[str, Callable[[Sequence[Term]], Term]] = field(default_factory=dict)
    # Results of other contracts' views, `signature#index` → function of (receiver, args…).
    externals: dict[str, Term] = field(default_factory=dict)
    external_impls: dict[str, Callable[[Sequence[Term]], Term]] = field(default_factory=dict)
    balances: Term | None = None
    # Facts every use of this state may assume (input bounds); the caller asserts them.
    assumptions: list[Term] = field(default_factory=list)
    # The spec asked for the ERC20 balances summary (`… summarized erc20`): token calls move
    # one shared array (token, holder) → balance that every state carries.
    erc20_summary: bool = False
    tokens: Term | None = None

    # ── storage ─────────────────────────────────────────────────────────────────────────

    def storage_term(self, path: str, key_sorts: Sequence[Sort], value_sort: Sort) -> Term:
        """The array (or constant, without keys) holding `path` in this state."""
        if path not in self.storage:
            name = f"{self.prefix}.{path}"
            self.storage[path] = (
                zt.array(name, key_sorts, value_sort) if key_sorts else zt.const(name, value_sort)
            )
        return self.storage[path]

    def set_storage(self, path: str, term: Term) -> None:
        self.storage[path] = term

    def read(self, path: str, keys: Sequence[Term], value_sort: Sort) -> Term:
        arr = self.storage_term(path, [k.sort() for k in keys], value_sort)
        return zt.select(arr, keys) if keys else arr

    def balance(self, addr: Term) -> Term:
        if self.balances is None:
            self.balances = zt.array(f"{self.prefix}.balance", [zt.bv_sort(160)], zt.bv_sort(256))
        return zt.select(self.balances, [addr])

    def token_balances(self) -> Term:
        """The summarized ERC20 balances (token, holder) → uint256 in this state. A state
        the executor produced holds them under TOKENS_PATH (like storage); any other state
        gets its own unconstrained array, kept out of `storage` so counterexamples do not
        look for it in the contract's layout."""
        if TOKENS_PATH in self.storage:
            return self.storage[TOKENS_PATH]
        if self.tokens is None:
            addr = zt.bv_sort(160)
            self.tokens = zt.array(f"{self.prefix}.erc20.balanceOf", [addr, addr], zt.bv_sort(256))
        return self.tokens

    def token_balance(self, token: Term, holder: Term) -> Term:
        return zt.select(self.token_balances(), [token, holder])

    # ── spec-side values ────────────────────────────────────────────────────────────────

    def ghost(self, name: str, keys: Sequence[Term], value_sort: Sort) -> Term:
        if name not in self.ghosts:
            full = f"{self.prefix}.ghost.{name}"
            sorts = [k.sort() for k in keys]
            self.ghosts[name] = (
                zt.array(full, sorts, value_sort) if keys else zt.const(full, value_sort)
            )
        g = self.ghosts[name]
        return zt.select(g, keys) if keys else g

    def input(
        self, name: str, sort: Sort, low: int, high: int, signed: bool | None = False
    ) -> Term:
        """An external value (oracle price …): free, but within its declared bounds.
        `signed`: how to compare bit-vector bounds (None for an Int sort)."""
        if name not in self.inputs:
            t = zt.const(f"{self.prefix}.input.{name}", sort)
            self.inputs[name] = t
            lo, hi = zt.value(low, sort), zt.value(high, sort)
            self.assumptions.append(zt.and_(zt.le(lo, t, signed), zt.le(t, hi, signed)))
        return self.inputs[name]

    def immutable(self, name: str, sort: Sort) -> Term:
        """Immutables live in the code, so one constant serves every state."""
        return zt.const(f"immutable.{name}", sort)

    def view(self, signature: str, args: Sequence[Term], ret: Sort) -> Term:
        """A view function's result: uninterpreted per state unless the prover sets it."""
        if signature in self.view_impls:
            return self.view_impls[signature](args)
        if signature not in self.views:
            self.views[signature] = zt.function(
                f"{self.prefix}.view.{signature}", [a.sort() for a in args], ret
            )
        f = self.views[signature]
        return zt.apply(f, args) if args else f()

    def external(
        self,
        key: str,
        receiver: Term,
        args: Sequence[Term],
        ret: Sort,
        bounds: tuple[int, int, bool] | None = None,
    ) -> Term:
        """Result `key` (`signature#index`) of another contract's view: an uninterpreted
        function of (receiver, args) of this state; `bounds` (low, high, signed) hold for
        every receiver and arguments."""
        full = [receiver, *args]
        if key in self.external_impls:
            return self.external_impls[key](full)
        if key not in self.externals:
            f = zt.function(f"{self.prefix}.ext.{key}", [a.sort() for a in full], ret)
            self.externals[key] = f
            if bounds is not None:
                lo, hi, signed = bounds
                xs = [zt.fresh("x", a.sort()) for a in full]
                y = zt.apply(f, xs)
                within = zt.and_(
                    zt.le(zt.value(lo, ret), y, signed), zt.le(y, zt.value(hi, ret), signed)
                )
                self.assumptions.append(zt.forall(xs, within))
        return zt.apply(self.externals[key], full)

    def sum(
        self,
        sum_id: str,
        outer: Sequence[Term],
        key_bits: int | None,
        body: Callable[[Term], Term],
        key_sort: Sort,
    ) -> Term:
        """Σ over all keys of `body(key)` (an Int). By default a ghost total per sum and
        outer arguments, for the prover to maintain; over a finite domain, the expansion."""
        domain = self.domain(key_bits)
        if domain is not None:
            parts = [body(zt.value(k, key_sort)) for k in domain]
            total: Term = zt.int_val(0)
            for p in parts:
                total = zt.add(total, p)
            return total
        if sum_id not in self.sums:
            self.sums[sum_id] = zt.function(
                f"{self.prefix}.{sum_id}", [o.sort() for o in outer], zt.int_sort()
            )
        f = self.sums[sum_id]
        return zt.apply(f, outer) if outer else f()

    def domain(self, key_bits: int | None) -> Sequence[int] | None:
        """The finite candidate keys for a key width, or None for "all values"."""
        if self.finite_domains is None or key_bits is None:
            return None
        return self.finite_domains.get(key_bits)
