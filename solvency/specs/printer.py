"""AST → canonical source. `parse(print_file(f))` equals `f` up to spans (tested)."""

from __future__ import annotations

from solvency.specs import ast

# Binding strength of each form, loosest first; a child weaker than its slot is parenthesized.
_BINDER, _TERNARY, _IFF, _IMPLIES, _OR, _AND, _EQ, _CMP, _ADD, _MUL, _UNARY, _POW, _POSTFIX = range(
    13
)
_ATOM = 13

_LEVEL = {
    ast.BinOp.IFF: _IFF,
    ast.BinOp.IMPLIES: _IMPLIES,
    ast.BinOp.OR: _OR,
    ast.BinOp.AND: _AND,
    ast.BinOp.EQ: _EQ,
    ast.BinOp.NE: _EQ,
    ast.BinOp.LT: _CMP,
    ast.BinOp.LE: _CMP,
    ast.BinOp.GT: _CMP,
    ast.BinOp.GE: _CMP,
    ast.BinOp.ADD: _ADD,
    ast.BinOp.SUB: _ADD,
    ast.BinOp.MUL: _MUL,
    ast.BinOp.DIV: _MUL,
    ast.BinOp.MOD: _MUL,
    ast.BinOp.POW: _POW,
}

# (left slot, right slot) per level: left-assoc ops accept their own level on the left,
# `=>` on the right, and `==`/`<` on neither side (the grammar makes them non-associative).
_SLOTS = {
    _IFF: (_IFF, _IMPLIES),
    _IMPLIES: (_OR, _IMPLIES),
    _OR: (_OR, _AND),
    _AND: (_AND, _EQ),
    _EQ: (_CMP, _CMP),
    _CMP: (_ADD, _ADD),
    _ADD: (_ADD, _MUL),
    _MUL: (_MUL, _UNARY),
    _POW: (_POSTFIX, _UNARY),
}


def level(e: ast.Expr) -> int:
    match e:
        case ast.Quantifier() | ast.Let():
            return _BINDER
        case ast.Ternary():
            return _TERNARY
        case ast.Binary(op=op):
            return _LEVEL[op]
        case ast.Unary():
            return _UNARY
        case ast.Index() | ast.Member() | ast.Call():
            return _POSTFIX
        case _:
            return _ATOM


def expr(e: ast.Expr, slot: int = _BINDER) -> str:
    """Print `e` so that it parses back in a position accepting level `slot` or tighter."""
    text = _expr(e)
    return f"({text})" if level(e) < slot else text


def _expr(e: ast.Expr) -> str:
    match e:
        case ast.Number(value=v, text=t):
            return t or str(v)
        case ast.BoolLit(value=v):
            return "true" if v else "false"
        case ast.Name(id=i):
            return i
        case ast.Member(obj=o, name=n):
            return f"{expr(o, _POSTFIX)}.{n}"
        case ast.Index(obj=o, index=i):
            return f"{expr(o, _POSTFIX)}[{expr(i)}]"
        case ast.Call(func=f, args=args):
            return f"{expr(f, _POSTFIX)}({', '.join(expr(a) for a in args)})"
        case ast.Unary(op=op, operand=o):
            return f"{op.value}{expr(o, _UNARY)}"
        case ast.Binary(op=op, left=lhs, right=rhs):
            lslot, rslot = _SLOTS[_LEVEL[op]]
            return f"{expr(lhs, lslot)} {op.value} {expr(rhs, rslot)}"
        case ast.Ternary(cond=c, then=t, orelse=o):
            return f"{expr(c, _IFF)} ? {expr(t)} : {expr(o)}"
        case ast.Quantifier(universal=u, var_type=t, var=v, body=b):
            return f"{'forall' if u else 'exists'} {type_expr(t)} {v}: {expr(b)}"
        case ast.Let(name=n, value=v, body=b):
            return f"let {n} = {expr(v)} in {expr(b)}"
        case ast.Sum(var_type=t, var=v, body=b):
            if v is None:
                return f"sum({expr(b)})"
            head = f"{type_expr(t)} {v}" if t is not None else v
            return f"sum({head}: {expr(b)})"
    raise AssertionError(f"unknown expression {e!r}")


def type_expr(t: ast.TypeExpr) -> str:
    if isinstance(t, ast.TypeName):
        return t.name
    return f"mapping({type_expr(t.key)} => {type_expr(t.value)})"


def _params(ps: tuple[ast.Param, ...]) -> str:
    return "(" + ", ".join(f"{type_expr(p.type)} {p.name}" for p in ps) + ")"


def _fn_ref(f: ast.FnRef) -> str:
    if f.types is None:
        return f.name
    return f"{f.name}(" + ", ".join(type_expr(t) for t in f.types) + ")"


def _fn_list(fs: tuple[ast.FnRef, ...]) -> str:
    return "[" + ", ".join(_fn_ref(f) for f in fs) + "]"


def _inv_ref(r: ast.InvRef) -> str:
    if r.args is None:
        return r.name
    return f"{r.name}(" + ", ".join(expr(a) for a in r.args) + ")"


def stmt(s: ast.Stmt) -> str:
    match s:
        case ast.Requires(cond=c):
            return f"requires {expr(c)};"
        case ast.RequiresInvariant(ref=r):
            return f"requires invariant {_inv_ref(r)};"
        case ast.Ensures(cond=c):
            return f"ensures {expr(c)};"
        case ast.RevertsIf(cond=c, unless=u):
            return f"{'reverts_unless' if u else 'reverts_if'} {expr(c)};"
        case ast.SucceedsIf(cond=c):
            return f"succeeds_if {expr(c)};"
        case ast.LetStmt(name=n, value=v):
            return f"let {n} = {expr(v)};"
        case ast.CallStmt() as c:
            return _call(c)
    raise AssertionError(f"unknown statement {s!r}")


def _call(c: ast.CallStmt) -> str:
    env = ""
    if c.env:
        env = " with (" + ", ".join(f"{i.key}: {expr(i.value)}" for i in c.env) + ")"
    if c.function is None:
        exc = f" except {_fn_list(c.excluded)}" if c.excluded else ""
        return f"call any{exc}{env};"
    lhs = ""
    if len(c.results) == 1:
        lhs = f"{c.results[0]} = "
    elif c.results:
        lhs = "(" + ", ".join(c.results) + ") = "
    args = ", ".join(expr(a) for a in c.args)
    return f"call {lhs}{c.function}({args}){env};"


def _block(head: str, body: list[str], indent: str) -> list[str]:
    if not body:
        return [f"{indent}{head} {{}}"]
    return [f"{indent}{head} {{", *(f"{indent}    {b}" for b in body), f"{indent}}}"]


def decl(d: ast.Decl | ast.Def, indent: str = "") -> list[str]:
    match d:
        case ast.Def(name=n, params=ps, returns=r, body=b):
            head = f"def {n}{_params(ps) if ps is not None else ''}"
            head += f" -> {type_expr(r)}" if r is not None else ""
            head += f" = {expr(b)}" if b is not None else ""
            return [f"{indent}{head};"]
        case ast.Invariant() as inv:
            return _invariant(inv, indent)
        case ast.Rule(name=n, params=ps, body=body, satisfy=sat):
            head = f"{'satisfy' if sat else 'rule'} {n}{_params(ps) if ps else ''}"
            return _block(head, [stmt(s) for s in body], indent)
        case ast.Ghost(type=t, name=n, init=i):
            init = f" = {expr(i)}" if i is not None else ""
            return [f"{indent}ghost {type_expr(t)} {n}{init};"]
        case ast.Hook(function=f, params=ps, body=body):
            head = "hook any" if f is None else f"hook {f}{_params(ps)}"
            lines = [
                f"{a.target}" + "".join(f"[{expr(k)}]" for k in a.keys) + f" = {expr(a.value)};"
                for a in body
            ]
            return _block(head, lines, indent)
        case ast.Input() as i:
            args = ", ".join(expr(a) for a in i.args)
            shown = _params(i.type) if isinstance(i.type, tuple) else type_expr(i.type)
            params = "" if i.params is None else _params(i.params)
            bounds = (
                "" if i.low is None or i.high is None else f" in [{expr(i.low)}, {expr(i.high)}]"
            )
            summary = "" if i.summary is None else f" summarized {i.summary}"
            call = f"{i.receiver}.{i.method}({args})"
            return [f"{indent}input {shown} {i.name}{params} = {call}{bounds}{summary};"]
        case ast.Use(name=n):
            return [f"{indent}use {n};"]
        case ast.HarnessRef(path=p):
            return [f'{indent}harness "{p}";']
    raise AssertionError(f"unknown declaration {d!r}")


def _invariant(inv: ast.Invariant, indent: str) -> list[str]:
    head = f"invariant {inv.name}{_params(inv.params) if inv.params else ''}: {expr(inv.expr)}"
    clauses = []
    if inv.only is not None:
        clauses.append(f"only {_fn_list(inv.only)}")
    if inv.excluded:
        clauses.append(f"except {_fn_list(inv.excluded)}")
    if inv.assuming:
        clauses.append("assuming " + ", ".join(_inv_ref(r) for r in inv.assuming))
    lines = [f"{indent}{head}", *(f"{indent}    {c}" for c in clauses)]
    if not inv.preserved:
        lines[-1] += ";"
        return lines
    lines[-1] += " {"
    for p in inv.preserved:
        ph = "preserved" if p.function is None else f"preserved {p.function}{_params(p.params)}"
        lines += _block(ph, [stmt(s) for s in p.body], indent + "    ")
    lines.append(f"{indent}}}")
    return lines


def print_file(f: ast.SpecFile) -> str:
    out: list[str] = []
    for item in f.items:
        if isinstance(item, ast.Import):
            out.append(f'import "{item.path}";')
        elif isinstance(item, ast.Def):
            out += decl(item)
        else:
            out.append(f"{'properties' if item.group else 'spec'} {item.name} {{")
            for m in item.members:
                out += decl(m, "    ")
            out.append("}")
    return "\n".join(out) + "\n"
