"""Optional over-approximation of nonlinear bit-vector arithmetic (EncodeOptions.nonlinear).

Z3 bit-blasts a 256-bit `x * y` or `x / y` of two unknowns into a circuit it often cannot
solve within a timeout (a mulDiv alone). In "abstract" mode such an operation becomes an
uninterpreted function of its operands, constrained only by facts true of the real
operation (0 and 1 cases, monotonicity, remainder below the divisor). Every real run is
still a model, so a proof stays a proof; a counterexample through an abstracted operation
may not be real (replay settles it), and an existential query (satisfy, vacuity) must not
rely on it — the transition records an `over-approximation` assumption for each site.
"""

from __future__ import annotations

from solvency.analyzers.symbolic.exec_state import Ctx, PState
from solvency.core.location import Location
from solvency.core.properties import Assumption
from solvency.smt import evm
from solvency.smt import terms as zt
from solvency.smt.terms import Term


def literal(t: Term) -> int | None:
    """`t`'s value when it is a bit-vector literal (no simplification: that costs as
    much as the term is big, on every multiplication)."""
    if t.num_args() != 0:  # not a literal; as_python's error would print the whole term
        return None
    try:
        v = zt.as_python(t)
    except ValueError:
        return None
    return None if isinstance(v, bool) else v


def should_abstract(ctx: Ctx, op: str, a: Term, b: Term, signed: bool) -> bool:
    """Products of two unknowns, and divisions by anything but a power of two."""
    if ctx.options.nonlinear != "abstract" or signed or op not in ("*", "/", "%", "**"):
        return False
    lb = literal(b)
    if op == "**":
        return lb is None
    if op == "*":  # by a constant too: a multiplier circuit even then (not a power of two)
        la = literal(a)
        c = la if la is not None else lb
        return c is None or c <= 0 or c & (c - 1) != 0
    return lb is None or lb <= 0 or lb & (lb - 1) != 0


def const_mul_overflow(a: Term, b: Term, signed: bool) -> Term | None:
    """x * c overflows uintN exactly when x > (2^N - 1) // c: a comparison instead of a
    multiplier circuit (exact, used in both modes)."""
    if signed:
        return None
    la, lb = literal(a), literal(b)
    if (la is None) == (lb is None):
        return None
    x, c = (b, la) if la is not None else (a, lb)
    assert c is not None
    if c == 0:
        return zt.bool_val(False)
    n = zt.bits_of(x)
    return evm.gt(x, zt.value(((1 << n) - 1) // c, zt.bv_sort(n)))


def abstract(
    ctx: Ctx, st: PState, op: str, a: Term, b: Term, *, checked: bool, loc: Location | None
) -> Term:
    """The abstracted value of `a op b` (unsigned); its revert conditions are applied to
    `st` here (division by zero exactly, overflow through an uninterpreted predicate)."""
    n = zt.bits_of(a)
    bv = zt.bv_sort(n)
    zero, one = zt.value(0, bv), zt.value(1, bv)
    name = {"*": "mul", "/": "div", "%": "mod", "**": "exp"}[op]
    # The exponent keeps its own width (uint256 under a uint8 base): truncating it would
    # make 2**256 look like 2**0 and drop real runs from the over-approximation.
    m = zt.bits_of(b)
    bm = zt.bv_sort(m)
    r = zt.apply(zt.function(f"nonlinear.{name}{n}_{m}", [bv, bm], bv), [a, b])
    facts: list[Term] = []
    if op == "**":
        ovf = zt.apply(zt.function(f"nonlinear.exp_ovf{n}_{m}", [bv, bm], zt.bool_sort()), [a, b])
        b0, b1 = zt.value(0, bm), zt.value(1, bm)
        facts += [
            zt.implies(zt.eq(b, b0), zt.and_(zt.eq(r, one), zt.not_(ovf))),
            zt.implies(zt.eq(b, b1), zt.and_(zt.eq(r, a), zt.not_(ovf))),
            zt.implies(zt.or_(zt.eq(a, zero), zt.eq(a, one)), zt.not_(ovf)),
            zt.implies(zt.and_(zt.eq(a, zero), zt.not_(zt.eq(b, b0))), zt.eq(r, zero)),
            zt.implies(zt.eq(a, one), zt.eq(r, one)),
            # Without overflow a power of a base ≥ 1 is at least 1 (so dividing by it is safe).
            zt.implies(zt.and_(zt.not_(ovf), zt.not_(zt.eq(a, zero))), evm.ge(r, one)),
        ]
        if checked:
            ctx.fail_if(st, ovf)
    elif op == "*":
        ovf = zt.apply(zt.function(f"nonlinear.mul_ovf{n}_{m}", [bv, bm], zt.bool_sort()), [a, b])
        facts += [
            zt.implies(
                zt.or_(zt.eq(a, zero), zt.eq(b, zero)), zt.and_(zt.eq(r, zero), zt.not_(ovf))
            ),
            zt.implies(zt.eq(a, one), zt.and_(zt.eq(r, b), zt.not_(ovf))),
            zt.implies(zt.eq(b, one), zt.and_(zt.eq(r, a), zt.not_(ovf))),
            # Without overflow the product is at least each nonzero factor.
            zt.implies(zt.and_(zt.not_(ovf), zt.not_(zt.eq(b, zero))), evm.ge(r, a)),
            zt.implies(zt.and_(zt.not_(ovf), zt.not_(zt.eq(a, zero))), evm.ge(r, b)),
            zt.eq(ovf, evm.mul_overflows(a, b, n, False)) if n <= 16 else zt.bool_val(True),
        ]
        exact = const_mul_overflow(a, b, False)  # by a constant: the exact bound is cheap
        if exact is not None:
            facts.append(zt.eq(ovf, exact))
        if checked:
            ctx.fail_if(st, ovf)
    else:
        ctx.fail_if(st, evm.div_by_zero(b))
        nonzero = zt.not_(zt.eq(b, zero))
        if op == "/":
            facts += [
                zt.implies(nonzero, evm.le(r, a)),
                zt.implies(zt.eq(b, one), zt.eq(r, a)),
                zt.implies(zt.and_(nonzero, evm.lt(a, b)), zt.eq(r, zero)),
            ]
        else:
            facts += [
                zt.implies(nonzero, evm.lt(r, b)),
                zt.implies(nonzero, evm.le(r, a)),
                zt.implies(zt.and_(nonzero, evm.lt(a, b)), zt.eq(r, a)),
            ]
    ctx.constraints.extend(f for f in facts if not f.eq(zt.bool_val(True)))
    where = loc.short() if loc is not None else "an unknown location"
    ctx.assume(
        Assumption(
            "over-approximation",
            f"nonlinear arithmetic at {where} abstracted: a counterexample through it may "
            "not replay, and reachability through it is not shown",
            loc,
        )
    )
    return r


def abstract_mulmod(ctx: Ctx, a: Term, b: Term, k: Term, loc: Location | None) -> Term:
    """mulmod(a, b, k) as an uninterpreted function: below k, and 0 when a or b is 0."""
    bv = zt.bv_sort(256)
    zero = zt.value(0, bv)
    r = zt.apply(zt.function("nonlinear.mulmod256", [bv, bv, bv], bv), [a, b, k])
    ctx.constraints += [
        zt.implies(zt.not_(zt.eq(k, zero)), evm.lt(r, k)),
        zt.implies(zt.or_(zt.eq(a, zero), zt.eq(b, zero), zt.eq(k, zero)), zt.eq(r, zero)),
    ]
    where = loc.short() if loc is not None else "an unknown location"
    ctx.assume(Assumption("over-approximation", f"mulmod at {where} abstracted", loc))
    return r
