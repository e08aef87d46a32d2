"""Slither CFG + SlithIR → `solvency.ir.program` values. Only ir/ imports slither.

Conversion is per function, transitively over internal calls, library calls and modifiers
(the executor inlines them by key). An operation without a conversion becomes an
`UnsupportedOp` with its text and location; a function without a body (an unimplemented
virtual or interface function) gets a function-level UnsupportedOp.
"""

from __future__ import annotations

from typing import Any

from slither.core.declarations import Contract as SContract
from slither.core.declarations import Enum as SEnum
from slither.core.declarations import Function as SFunction
from slither.core.declarations import SolidityVariable
from slither.core.variables.local_variable import LocalVariable
from slither.core.variables.state_variable import StateVariable
from slither.core.variables.top_level_variable import TopLevelVariable
from slither.slithir import operations as so
from slither.slithir.variables import (
    Constant,
    ReferenceVariable,
    TemporaryVariable,
    TupleVariable,
)

from solvency.core.errors import InternalError
from solvency.ir.convert import convert_type
from solvency.ir.model import Contract, Function
from solvency.ir.program import (
    Assign,
    BinaryOp,
    CallKind,
    CallOp,
    ConditionOp,
    ConvertOp,
    DeleteOp,
    EventOp,
    ExternalCallOp,
    ExternalKind,
    IndexOp,
    InitArrayOp,
    LengthOp,
    MemberOp,
    NewArrayOp,
    NewStructOp,
    NodeKind,
    Op,
    Operand,
    Param,
    PNode,
    Program,
    Programs,
    ReturnOp,
    SolidityCallOp,
    UnaryOp,
    UnpackOp,
    UnsupportedOp,
    VarKind,
)
from solvency.ir.program_cfg import declares, location_of, retarget_continues, tuple_assignment
from solvency.ir.types import EnumType, Type

_KINDS = {k.value: k for k in NodeKind}
# The entry of Slither's synthetic state-variable initialiser functions: plain code.
_KINDS["OTHER_ENTRYPOINT"] = NodeKind.EXPRESSION


def build_programs(contract: Contract, function: Function) -> Programs:
    """The program of `function` (as seen from `contract`) and of everything it inlines."""
    raw = function.raw
    if not isinstance(raw, SFunction):
        raise InternalError(f"{function.name} has no Slither function behind it")
    return programs_of(contract.raw, [raw], key_of(raw))


def constructor_programs(contract: Contract) -> tuple[Programs, tuple[str, ...]]:
    """Programs for deployment and the keys to run, in order: each contract's state
    variable initialisers (most basic first), then the constructors not called explicitly
    with arguments by a more derived one (those run inside it)."""
    sc = contract.raw
    if not isinstance(sc, SContract):
        raise InternalError(f"{contract.name} has no Slither contract behind it")
    chain = [*reversed(sc.inheritance), sc]
    roots: list[Any] = []
    for c in chain:
        roots += [
            f
            for f in c.functions_declared
            if f.name == "slitherConstructorVariables" and f.contract_declarer == c
        ]
    explicit = {
        getattr(call, "function", None)
        for c in chain
        if c.constructor is not None and c.constructor.contract_declarer == c
        for node in c.constructor.nodes
        for call in node.irs
        if isinstance(call, so.InternalCall)
    }
    for c in chain:
        ctor = c.constructors_declared
        if ctor is not None and ctor not in explicit:
            roots.append(ctor)
    return programs_of(sc, roots, ""), tuple(key_of(f) for f in roots)


def key_of(f: Any) -> str:
    return str(f.canonical_name)


def programs_of(contract: Any, roots: list[Any], entry: str) -> Programs:
    todo = list(roots)
    done: dict[str, Program] = {}
    while todo:
        f = todo.pop()
        key = key_of(f)
        if key in done:
            continue
        program, callees = _program(f)
        done[key] = program
        todo.extend(callees)
    version = _version(contract)
    states = {v.name: _operand(v) for v in contract.state_variables}
    return Programs(entry=entry, functions=done, solc_version=version, state_variables=states)


def _version(contract: Any) -> tuple[int, int, int]:
    text = str(contract.compilation_unit.solc_version or "0.8.0")
    parts = [int(p) if p.isdigit() else 0 for p in text.split("+", maxsplit=1)[0].split(".")[:3]]
    while len(parts) < 3:
        parts.append(0)
    return (parts[0], parts[1], parts[2])


def _program(f: Any) -> tuple[Program, list[Any]]:
    callees: list[Any] = []
    cname = f.contract_declarer.name if getattr(f, "contract_declarer", None) else ""
    nodes: dict[int, PNode] = {}
    for node in f.nodes:
        loc = location_of(node, cname, f.name)
        ops = tuple(_op(op, node, loc, callees) for op in node.irs or [])
        kind = _KINDS.get(str(node.type).split(".")[-1], NodeKind.OTHER)
        if kind is NodeKind.ASSEMBLY:
            ops = (UnsupportedOp("inline assembly", loc, "inline assembly"), *ops)
        elif kind in (NodeKind.TRY, NodeKind.CATCH, NodeKind.OTHER):
            what = f"{str(node.type).split('.')[-1]} node"
            ops = (UnsupportedOp(what, loc, what), *ops)
        nodes[node.node_id] = PNode(
            node_id=node.node_id,
            kind=kind,
            ops=ops,
            sons=tuple(s.node_id for s in node.sons),
            son_true=node.son_true.node_id if node.son_true is not None else None,
            son_false=node.son_false.node_id if node.son_false is not None else None,
            location=loc,
            checked=bool(getattr(node.scope, "is_checked", True)),
            declares=declares(node, kind),
            parallel=tuple_assignment(node),
        )
    retarget_continues(f, nodes)
    entry = f.entry_point.node_id if f.entry_point is not None else None
    problems: tuple[UnsupportedOp, ...] = ()
    floc = location_of(f, cname, f.name)
    if entry is None and not f.is_implemented:
        what = f"call to unimplemented function {f.canonical_name}"
        problems = (UnsupportedOp(what, floc, what),)
    program = Program(
        key=key_of(f),
        name=f.name,
        contract=cname,
        params=tuple(
            Param(p.name, convert_type(p.type), bool(getattr(p, "is_storage", False)))
            for p in f.parameters
        ),
        returns=tuple(Param(p.name or "", convert_type(p.type)) for p in f.returns),
        nodes=nodes,
        entry=entry,
        payable=bool(getattr(f, "payable", False)),
        is_modifier=type(f).__name__ == "Modifier",
        location=floc,
        unsupported=problems,
    )
    return program, callees


def _type(t: Any) -> Type | None:
    if t is None or isinstance(t, list):
        return None
    return convert_type(t)


def _fold(v: Any) -> int | bool | str | None:
    """The value of a constant variable, through Slither's constant folding."""
    if v.expression is None:
        return None
    try:
        from slither.visitors.expression.constants_folding import (  # noqa: PLC0415
            ConstantFolding,
        )

        lit = ConstantFolding(v.expression, v.type.name).result()
        raw = lit.value
    except Exception:
        return None
    if isinstance(raw, bool | int):
        return raw
    try:
        return int(str(raw), 0)
    except ValueError:
        return None


def _operand(v: Any) -> Operand:
    name = str(v)
    if isinstance(v, Constant):
        value = v.value
        return Operand(VarKind.CONST, name, _type(v.type), value=value)
    if isinstance(v, StateVariable | TopLevelVariable):
        const = bool(v.is_constant)
        return Operand(
            VarKind.STATE,
            v.name,
            _type(v.type),
            value=_fold(v) if const else None,
            immutable=bool(getattr(v, "is_immutable", False)),
            constant=const,
        )
    if isinstance(v, LocalVariable):
        return Operand(VarKind.LOCAL, v.name, _type(v.type), storage_pointer=bool(v.is_storage))
    if isinstance(v, ReferenceVariable):
        return Operand(VarKind.REF, name, _type(v.type))
    if isinstance(v, TemporaryVariable):
        return Operand(VarKind.TEMP, name, _type(v.type))
    if isinstance(v, TupleVariable):
        return Operand(VarKind.TUPLE, name, None)
    if isinstance(v, SolidityVariable):
        return Operand(VarKind.SOLIDITY, v.name, None)
    if isinstance(v, SContract):
        return Operand(VarKind.CONTRACT, v.name, None)
    if isinstance(v, SEnum):  # `Status.Active`: the enum declaration as a Member base
        return Operand(VarKind.OTHER, v.name, EnumType(v.name, tuple(v.values)))
    return Operand(VarKind.OTHER, name, _type(getattr(v, "type", None)))


def _ops(vs: Any) -> tuple[Operand, ...]:
    return tuple(_operand(v) for v in vs or [])


def _lv(op: Any) -> Operand | None:
    return _operand(op.lvalue) if op.lvalue is not None else None


def _op(op: Any, node: Any, loc: Any, callees: list[Any]) -> Op:
    text = str(op)
    if isinstance(op, so.Assignment):
        return Assign(text, loc, _operand(op.lvalue), _operand(op.rvalue))
    if isinstance(op, so.Binary):
        checked = bool(getattr(node.scope, "is_checked", True))
        return BinaryOp(
            text,
            loc,
            _operand(op.lvalue),
            str(op.type.value),
            _operand(op.variable_left),
            _operand(op.variable_right),
            checked,
        )
    if isinstance(op, so.Unary):
        return UnaryOp(text, loc, _operand(op.lvalue), str(op.type.value), _operand(op.rvalue))
    if isinstance(op, so.Index):
        return IndexOp(
            text, loc, _operand(op.lvalue), _operand(op.variable_left), _operand(op.variable_right)
        )
    if isinstance(op, so.Member):
        return MemberOp(
            text, loc, _operand(op.lvalue), _operand(op.variable_left), str(op.variable_right)
        )
    if isinstance(op, so.Length):
        return LengthOp(text, loc, _operand(op.lvalue), _operand(op.value))
    if isinstance(op, so.TypeConversion):
        return ConvertOp(
            text, loc, _operand(op.lvalue), _operand(op.variable), convert_type(op.type)
        )
    if isinstance(op, so.Condition):
        return ConditionOp(text, loc, _operand(op.value))
    if isinstance(op, so.Return):
        return ReturnOp(text, loc, _ops(op.values))
    if isinstance(op, so.InternalCall | so.LibraryCall):
        return _inlined(op, text, loc, callees)
    if isinstance(op, so.HighLevelCall):
        target = op.function
        view = isinstance(target, SFunction) and bool(target.view or target.pure)
        if isinstance(target, StateVariable):  # a public getter
            view = True
        rtypes = tuple(convert_type(t) for t in (getattr(target, "return_type", None) or []))
        return ExternalCallOp(
            text,
            loc,
            ExternalKind.HIGH_LEVEL,
            _lv(op),
            _operand(op.destination),
            str(op.function_name),
            _ops(op.arguments),
            _operand(op.call_value) if op.call_value is not None else None,
            rtypes,
            view,
        )
    if isinstance(op, so.LowLevelCall):
        return ExternalCallOp(
            text,
            loc,
            ExternalKind.LOW_LEVEL,
            _lv(op),
            _operand(op.destination),
            str(op.function_name),
            _ops(op.arguments),
            _operand(op.call_value) if op.call_value is not None else None,
            (),
            str(op.function_name) == "staticcall",
        )
    if isinstance(op, so.Transfer | so.Send):
        kind = ExternalKind.TRANSFER if isinstance(op, so.Transfer) else ExternalKind.SEND
        lv = _lv(op) if isinstance(op, so.Send) else None
        return ExternalCallOp(
            text,
            loc,
            kind,
            lv,
            _operand(op.destination),
            kind.value,
            (),
            _operand(op.call_value),
            (),
            False,
        )
    if isinstance(op, so.SolidityCall):
        return SolidityCallOp(text, loc, _lv(op), str(op.function.name), _ops(op.arguments))
    if isinstance(op, so.NewStructure):
        return NewStructOp(
            text, loc, _operand(op.lvalue), convert_type(_struct_type(op)), _ops(op.arguments)
        )
    if isinstance(op, so.NewArray):
        return NewArrayOp(
            text, loc, _operand(op.lvalue), convert_type(op.array_type), _ops(op.arguments)
        )
    if isinstance(op, so.InitArray):
        return InitArrayOp(text, loc, _operand(op.lvalue), _ops(op.init_values))
    if isinstance(op, so.Delete):
        return DeleteOp(text, loc, _operand(op.variable))
    if isinstance(op, so.Unpack):
        return UnpackOp(text, loc, _operand(op.lvalue), _operand(op.tuple), int(op.index))
    if isinstance(op, so.EventCall):
        return EventOp(text, loc)
    what = f"SlithIR {type(op).__name__}"
    return UnsupportedOp(text, loc, what)


def _struct_type(op: Any) -> Any:
    from slither.core.solidity_types import UserDefinedType  # noqa: PLC0415

    return UserDefinedType(op.structure)


def _inlined(op: Any, text: str, loc: Any, callees: list[Any]) -> Op:
    target = op.function
    if not isinstance(target, SFunction):
        return UnsupportedOp(text, loc, f"call to {type(target).__name__} {target}")
    callees.append(target)
    if isinstance(op, so.LibraryCall):
        kind = CallKind.LIBRARY
    elif getattr(op, "is_modifier_call", False):
        kind = CallKind.MODIFIER
    elif target.is_constructor:
        kind = CallKind.BASE_CONSTRUCTOR
    else:
        kind = CallKind.INTERNAL
    return CallOp(text, loc, kind, _lv(op), key_of(target), _ops(op.arguments))
