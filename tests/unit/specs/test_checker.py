"""The type checker: valid specs bind; every invalid spec gets a precise, located message.

Invalid cases are a table: the members of `spec Escrow { … }`, a fragment of the expected
message, the text the error must point at (its first occurrence gives line:col), and a
fragment of the hint (did-you-mean names come from the contract).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from solvency.build import BuildOptions, default_cache_dir
from solvency.core.errors import UserError
from solvency.ir import load
from solvency.ir.model import ProjectModel
from solvency.specs import typed
from solvency.specs.api import check_source, check_spec, format_property_list
from solvency.specs.diagnostics import SpecError
from solvency.specs.types import ADDRESS, BOOL, BYTES32, MATHINT, UINT256, uint
from tests.conftest import ROOT
from tests.unit.specs.models import ESCROW, MORPHO, PROJECT
from tests.unit.specs.samples import KITCHEN_SINK, VALID

EXAMPLE = ROOT / "examples" / "escrow" / "CollateralEscrow.sol"


def wrap(members: str) -> str:
    return "spec Escrow {\n    " + members + "\n}\n"


def errors(text: str, target: object = PROJECT) -> list[tuple[int, int, str, str | None]]:
    with pytest.raises(SpecError) as info:
        check_source(text, target, "t.spec")  # type: ignore[arg-type]
    return [(d.span.line, d.span.column, d.message, d.hint) for d in info.value.diagnostics]


def position(text: str, at: str) -> tuple[int, int]:
    i = text.index(at)
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


EXT = (
    "input uint256 held(address tok, address who) = tok.balanceOf(who);\n"
    "    input (uint80 roundId, int256 answer, uint256 updatedAt) round = oracle.latestRoundData();"
    "\n    "
)

# (members, message fragment, where the span starts, hint fragment or None)
INVALID = [
    # names, with did-you-mean hints from the contract
    ("invariant a: sum(colateral) == totalCollateral;", "unknown name `colateral`",
     "colateral", "did you mean `collateral`"),
    ("invariant a: healthFactr(owner) == 0;", "unknown function `healthFactr`", "healthFactr(",
     "did you mean `healthFactor`"),
    ("invariant a: true except [withdrw];", "no external function `withdrw`", "withdrw",
     "did you mean `withdraw`"),
    ("rule r() { call withdrawAll(1); }", "no function `withdrawAll`", "withdrawAll",
     "did you mean `withdraw`"),
    ("rule r() { call withdraw(1) with (sendr: owner); }", "unknown call setting `sendr`",
     "sendr", "did you mean `sender`"),
    ("invariant a: block.time == 0;", "unknown environment value `block.time`", "block.time",
     "block.timestamp"),
    ("invariant a: position[owner].x == 0;", "unknown name `position`", "position", None),
    ("ghost mapping(address => uint256) g; invariant a: g == 0;", "needs 1 more key", "g ==",
     "g[k]"),
    ("use Nope;", "unknown properties group `Nope`", "use", "import"),
    ("input uint256 p = nope.price() in [1, 10];", "`nope` is not a state variable", "nope",
     "owner, oracle, token"),
    # syntax
    ("invariant a: totalCollateral + ;", "unexpected `;`", ";\n", "expected an expression"),
    ("invariant a: totalCollateral == 'x';", "unexpected character", "'x'", "double quotes"),
    ("invariant a: 2.5 == 1;", "not a whole number", "2.5", None),
    # types
    ("invariant a: totalCollateral;", "must be bool, not uint256", "totalCollateral",
     "compare it"),
    ("invariant a: owner == 1;", "must be address, not mathint", "1;", "address(0)"),
    ("invariant a: owner + 1 > 0;", "must be an integer, not address", "owner", None),
    ("invariant a: collateral[1] == 0;", "mapping key must be address", "1]", "address("),
    ("invariant a: collateral == 0;", "not a value", "collateral", "sum("),
    ("invariant a: allowance[owner] == 0;", "is a mapping(address => uint256)", "allowance",
     "index it"),
    ("invariant a: collateral[owner][owner] == 0;", "cannot be indexed", "collateral", None),
    ("invariant a: sum(allowance) == 0;", "one level of keys left", "sum",
     "sum(k: m[x][k].field)"),
    ("invariant a: users.size == 4;", "has no member `size`", "users", None),
    ("invariant a: limits.length == 4;", "always has length 4", "limits", "write 4"),
    ("invariant a: name == 0;", "is a string, not a value", "name", "strings"),
    ("invariant a: 2 ** totalCollateral == 0;", "exponent of `**` must be a constant",
     "totalCollateral", "10**18"),
    ("invariant a: 10**10**10 > 0;", "exponent", "10**10 ", None),
    ("invariant a: forall uint7 u: u > 0;", "`uint7` is not a value type", "uint7", "uintN"),
    ("invariant a: sum(u: 1) == 0;", "cannot tell the type of `u`", "sum", "sum(address u"),
    ("invariant a: uint8(true) == 0;", "cannot cast bool to uint8", "uint8", "x != 0"),
    ("invariant a: true < false;", "cannot compare bool with bool", "true", None),
    ("invariant a: (paused ? 1 : owner) == 0;", "branches of `?:` have different types",
     "owner)", None),
    ("invariant a: min(1) == 0;", "`min` takes 2 argument(s)", "min", None),
    ("ghost uint256 g = -1;", "starts from a constant of its type", "-1", None),
    ("ghost string g;", "`string` is not a value type", "string", None),
    ("ghost bool g; hook any { g = 1; }", "must be bool, not mathint", "1; }", "compare"),
    ("input uint8 p = owner.price() in [0, 1000];", "not an interval of uint8", "0,", None),
    ("input uint256 p = owner.price() in [totalCollateral, 10];", "constant integers",
     "totalCollateral", None),
    # where things may appear
    ("invariant a: msg.sender == owner;", "`msg.sender` has no meaning in an invariant",
     "msg.sender", "(address u)"),
    ("invariant a: old(totalCollateral) == 0;", "no earlier state", "old", "after a `call`"),
    ("rule r() { call withdraw(1); ensures old(old(totalCollateral)) == 0; }",
     "`old` inside `old`", "old(total", None),
    ("invariant a: result == 0;", "`result` is only defined after a call", "result",
     "call (a, b)"),
    ("rule r() { ensures true; call withdraw(1); }", "`ensures` before any call", "ensures",
     None),
    ("rule r() { reverts_if true; }", "must follow a `call`", "reverts_if", None),
    ("rule r() { succeeds_if true; }", "must follow a `call`", "succeeds_if", None),
    ("rule r() { call withdraw(1); succeeds_if 1; }", "must be bool", "1; }", None),
    ("invariant a: true { preserved { call withdraw(1); } }", "no `call` in a preserved block",
     "call", None),
    ("invariant a: oracle.price() == 0;", "only the contract's own view functions", "oracle",
     "input T name"),
    ("invariant a: withdraw(1) == 0;", "can change state", "withdraw", "call withdraw"),
    ("hook any { totalCollateral = 1; }", "hooks only assign ghosts", "totalCollateral", None),
    # functions and calls
    ("rule r() { call withdraw(); }", "no `withdraw` takes 0 argument(s)", "withdraw",
     "withdraw(uint256)"),
    ("rule r() { call _internal(); }", "is internal, not callable from outside", "_internal",
     None),
    ("rule r() { call (a, b) = withdraw(1); }", "returns 0 value(s), not 2", "call", None),
    ("invariant a: true only [transfer(uint256)];", "no overload of `transfer`", "transfer",
     "transfer(address,uint256)"),
    ("invariant a: pair() == 0;", "must return exactly one value", "pair", None),
    ("hook withdraw(address a) { }", "no overload of `withdraw`", "hook", "withdraw(uint256)"),
    # invariants as assumptions
    ("invariant a: true assuming a;", "always assumed in its own pre-state", "a;", None),
    ("invariant a(address u): true; invariant b: true assuming a;", "takes 1 argument", "a;",
     None),
    ("rule r() { requires invariant nope; }", "unknown invariant `nope`", "nope", None),
    # bindings and definitions
    ("rule r(uint256 collateral) { requires true; }", "hides state variable `collateral`",
     "uint256", "another name"),
    ("rule r() { let x = 1; let x = 2; }", "hides a name already bound", "let x = 2", None),
    ("invariant a: forall address owner: owner == owner;", "hides state variable `owner`",
     "forall", None),
    ("def f -> uint256 = g; def g -> uint256 = f;", "cycle: f → g → f", "f;", None),
    ("def f -> uint256 = 1; def f -> uint256 = 2;", "already defined at t.spec:2",
     "def f -> uint256 = 2", None),
    ("def f(uint256 x) -> uint256 = x; invariant a: f == 0;", "`f` needs arguments", "f ==",
     "f(…)"),
    ("def abstractOne() -> uint256;", "declared without a body", "def", "add `def abstractOne"),
    ("def f(address u) -> bool; def f(uint256 u) -> bool = u > 0;",
     "`f` does not match its declaration (t.spec:2)", "def f(uint256", "def f(address u) -> bool;"),
    ("def f(address u) -> mathint = 1; def f(address u) -> bool;",
     "`f` does not match its declaration", "def f(address u) -> mathint", None),
    ("invariant a: true; invariant a: false;", "a property named `a` already exists",
     "invariant a: false", None),
    # reads of other contracts: parameterised and multi-result inputs
    (EXT + "invariant a: held(owner) > 0;", "`held` takes 2 argument(s), got 1", "held(owner)",
     "held(address tok, address who)"),
    (EXT + "invariant a: held > 0;", "`held` needs 2 argument(s)", "held >", "held(address"),
    (EXT + "invariant a: round.answr > 0;", "`round` has no result named `answr`", "round.answr",
     "did you mean `answer`"),
    (EXT + "invariant a: round > 0;", "`round` returns 3 values; read one of them", "round >",
     "round.answer"),
    (EXT + "invariant a: held(owner, this).x > 0;", "`held` returns one value; it has no field",
     "held(owner, this).x", None),
    (EXT + "invariant a: hold(owner, this) > 0;", "unknown function `hold`", "hold(",
     "did you mean `held`"),
    (EXT + "invariant a: held(1 == 1, this) > 0;", "argument `tok` of held", "1 == 1", None),
    ("input uint256 h(address t) = tokn.balanceOf(t);", "unknown name `tokn`", "tokn",
     "did you mean `token`"),
    ("input uint256 h(uint256 t) = t.balanceOf(this);", "the receiver of `h`", "t.balanceOf",
     None),
    ("input mathint h(address t) = t.balanceOf(this);", "mathint is not one", "mathint", "uint256"),
    ("input (uint80 a, int256 a) r = oracle.latestRoundData();", "two results of `r` are named",
     "int256 a", None),
    ("input (uint80 a, int256 b) r = oracle.f() in [0, 1];", "bounds apply to one result",
     "0, 1", None),
    ("input uint8 h(address t) = t.balanceOf(this) in [0, 300];", "not an interval of uint8",
     "0, 300", None),
]  # fmt: skip


@pytest.mark.parametrize(("members", "message", "at", "hint"), INVALID, ids=lambda v: str(v)[:40])
def test_invalid_spec(members: str, message: str, at: str, hint: str | None) -> None:
    text = wrap(members)
    found = errors(text)
    assert len(found) == 1, found
    line, col, msg, got_hint = found[0]
    assert message in msg
    assert (line, col) == position(text, at), (msg, at)
    if hint is None:
        return
    assert got_hint is not None and hint in got_hint, got_hint


def test_every_error_is_reported_at_once_in_source_order() -> None:
    text = wrap(
        "invariant a: sum(colateral) == 0;\n"
        "    rule r() { call withdrw(1); ensures owner == 1; }\n"
        "    invariant b: msg.value > 0;"
    )
    found = errors(text)
    assert [m for _, _, m, _ in found] == [
        "unknown name `colateral` in contract Escrow",
        "contract Escrow has no function `withdrw`",
        "right side of `==` must be address, not mathint",
        "`msg.value` has no meaning in an invariant",
    ]
    assert [ln for ln, _, _, _ in found] == [2, 3, 3, 4]


def test_rendered_diagnostic_has_location_source_line_caret_and_hint() -> None:
    text = wrap("invariant a: sum(colateral) == totalCollateral;")
    with pytest.raises(SpecError) as info:
        check_source(text, PROJECT, "specs/escrow.spec")
    assert info.value.render() == (
        "specs/escrow.spec:2:22: error: unknown name `colateral` in contract Escrow\n"
        "      invariant a: sum(colateral) == totalCollateral;\n"
        "                       ^^^^^^^^^\n"
        "  hint: did you mean `collateral` or `collateralOf` or `totalCollateral`?\n"
        "1 error in spec"
    )
    assert isinstance(info.value, UserError)


def test_spec_must_name_a_contract_of_the_target() -> None:
    found = errors("spec Escrw { invariant a: true; }")
    assert found[0][2] == "no contract `Escrw` in the target"
    assert found[0][3] == "did you mean `Escrow`?"
    assert errors("spec Market { invariant a: true; }", ESCROW)[0][3] == (
        "write `spec Escrow { … }`"
    )
    assert errors("def x -> uint256 = 1;")[0][2] == "no `spec` block in this file"


def test_import_errors() -> None:
    found = errors('import "std/nope.spec";\nspec Escrow { invariant a: true; }')
    assert found[0][2] == 'cannot find import "std/nope.spec"'
    assert found[0][3] is not None and "std/fixedpoint.spec" in found[0][3]


def test_imports_are_relative_to_the_spec(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "defs.spec").write_text("def CAP -> uint256 = 10;\n")
    main = tmp_path / "main.spec"
    main.write_text('import "lib/defs.spec";\nspec Escrow { invariant capped: fee <= CAP; }\n')
    checked = check_spec(main, PROJECT)
    assert [i.name for i in checked.invariants] == ["capped"]
    (tmp_path / "lib" / "defs.spec").write_text("def CAP -> uint256 = ;\n")
    with pytest.raises(SpecError) as info:
        check_spec(main, PROJECT)
    assert info.value.diagnostics[0].span.file.endswith("defs.spec")


# ── valid specs ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_samples_bind(name: str) -> None:
    (checked,) = check_source(VALID[name], PROJECT, name)
    assert checked.invariants or checked.rules


def test_kitchen_sink_resolves_names_to_the_contract() -> None:
    (s,) = check_source(KITCHEN_SINK, PROJECT, "k.spec")
    assert s.contract is ESCROW
    assert [i.name for i in s.invariants][:3] == ["covered", "accounting", "per_user"]
    per_user = s.invariant("per_user")
    assert per_user is not None
    # filters: `except [liquidate, transfer(address,uint256)]` leaves the other overload
    sigs = {f.signature for f in per_user.functions}
    assert "transfer(address,uint256,bytes32)" in sigs
    assert not sigs & {"liquidate(address,uint256)", "transfer(address,uint256)"}
    assert [r.name for r in per_user.assuming] == ["accounting"]
    assert [p.function.name if p.function else None for p in per_user.preserved] == [
        "withdraw",
        None,
    ]
    fee = s.invariant("fee_capped")
    assert fee is not None and [f.name for f in fee.functions] == ["setFee"]
    # sum over a mapping becomes a sum over its keys
    acc = s.invariant("accounting")
    assert acc is not None and isinstance(acc.expr, typed.Binary)
    total = acc.expr.left
    assert isinstance(total, typed.Sum) and total.var_type == ADDRESS
    assert isinstance(total.body, typed.StorageRead) and total.body.path_id == "collateral[]"
    # ghosts, hooks and inputs
    assert [(g.name, g.key_types, g.type, g.init) for g in s.ghosts] == [
        ("calls", (), MATHINT, 0),
        ("lastWithdraw", (ADDRESS,), UINT256, 0),
        ("touched", (), BOOL, False),
    ]
    assert [h.function.name if h.function else "any" for h in s.hooks] == ["any", "withdraw"]
    (price,) = s.inputs
    assert (price.signature, price.low, price.high) == ("price()", 10**16, 10**22)
    assert price.receiver.name == "oracle"


def test_nested_mapping_struct_field_sum() -> None:
    (s,) = check_source(VALID["market_note"], PROJECT, "m.spec")
    assert s.contract is MORPHO
    inv = s.invariant("shares_add_up")
    assert inv is not None and isinstance(inv.expr, typed.Binary)
    total = inv.expr.left
    assert isinstance(total, typed.Sum)
    assert total.var_type == ADDRESS  # inferred from position[id][u]
    assert [v.name for v in total.outer] == ["id"] and total.outer[0].type == BYTES32
    body = total.body
    assert isinstance(body, typed.StorageRead) and body.path_id == "position[][].supplyShares"
    assert body.type == UINT256
    field = inv.expr.right
    assert isinstance(field, typed.StorageRead) and field.type == uint(128)


def test_external_inputs_are_typed() -> None:
    text = wrap(
        EXT + "invariant a(address t): held(t, this) >= totalCollateral && round.answer > 0;"
    )
    (s,) = check_source(text, PROJECT, "t.spec")
    held, round_ = s.externals
    assert (held.name, held.signature, [p.name for p in held.params]) == (
        "held",
        "balanceOf(address)",
        ["held.tok", "held.who"],
    )
    assert round_.tuple_results and [n for n, _ in round_.results] == [
        "roundId",
        "answer",
        "updatedAt",
    ]
    inv = s.invariant("a")
    assert inv is not None and isinstance(inv.expr, typed.Binary)
    left, right = inv.expr.left, inv.expr.right
    assert isinstance(left, typed.Binary) and isinstance(left.left, typed.Let)
    assert isinstance(right, typed.Binary) and isinstance(right.left, typed.ExternalRead)
    assert (right.left.signature, right.left.index) == ("latestRoundData()", 1)
    assert str(right.left.type) == "int256"


def test_call_results_and_view_calls_are_typed() -> None:
    (s,) = check_source(KITCHEN_SINK, PROJECT, "k.spec")
    rules = {r.name: r for r in s.rules}
    call = rules["two_results"].body[0]
    assert isinstance(call, typed.CallStmt) and call.function is not None
    assert [(p.name, p.type) for p in call.results] == [("x", UINT256), ("y", UINT256)]
    implicit = rules["implicit_result"].body[0]
    assert isinstance(implicit, typed.CallStmt) and implicit.args[2] is None  # `_`
    assert [p.name for p in implicit.results] == ["result"]
    env = rules["withdraw_exact"].body[2]
    assert isinstance(env, typed.CallStmt)
    assert [w.value for w, _ in env.env] == ["msg.sender", "msg.value"]


# ── a real compiled contract ─────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> ProjectModel:
    cache = tmp_path_factory.mktemp("cache")
    shared = default_cache_dir() / "solcjs"
    shared.mkdir(parents=True, exist_ok=True)
    (cache / "solcjs").symlink_to(shared)
    return load(EXAMPLE, BuildOptions(cache_dir=cache)).model


REAL_SPEC = """\
import "std/fixedpoint.spec";
spec CollateralEscrow {
    ghost mathint releases;
    hook release(address from, address to, uint256 amount) { releases = releases + 1; }
    invariant accounting: sum(collateral) == totalCollateral;
    invariant solvent: balance(this) >= totalCollateral except [withdraw];
    rule only_arbiter_releases(address from, address to, uint256 amount) {
        call release(from, to, amount);
        reverts_unless msg.sender == arbiter && collateral[from] >= amount;
        ensures collateral[from] == old(collateral[from]) - amount;
    }
    rule getter(address u) {
        call deposit() with (value: 1 ether);
        ensures collateral(u) >= 0 && totalCollateral() >= WAD;
    }
}
"""


def test_binds_to_a_real_compiled_contract(compiled: ProjectModel) -> None:
    (s,) = check_source(REAL_SPEC, compiled, "real.spec")
    assert s.contract.name == "CollateralEscrow"
    acc = s.invariant("accounting")
    assert acc is not None
    assert {f.name for f in acc.functions} == {"deposit", "withdraw", "release"}
    solvent = s.invariant("solvent")
    assert solvent is not None and {f.name for f in solvent.functions} == {"deposit", "release"}
    assert s.hooks[0].function is not None and s.hooks[0].function.name == "release"
    lines = format_property_list(s)
    assert lines[0].startswith("spec CollateralEscrow → contract CollateralEscrow")
    assert "  invariant solvent  [across 2 function(s)]" in lines


def test_real_contract_errors_name_its_members(compiled: ProjectModel) -> None:
    text = "spec CollateralEscrow {\n    invariant a: sum(colateral) == totalColateral;\n}\n"
    found = errors(text, compiled)
    assert [(ln, c) for ln, c, _, _ in found] == [(2, 22), (2, 36)]
    assert found[0][3] is not None and "`collateral`" in found[0][3]
    assert found[1][3] is not None and "`totalCollateral`" in found[1][3]
    found = errors(
        "spec CollateralEscrow {\n    rule r() { call relase(owner, owner, 1); }\n}\n", compiled
    )
    assert found[0][3] == "did you mean `release`?"


# ── harness ──────────────────────────────────────────────────────────────────────────────


def test_harness_named_beside_or_missing(tmp_path: Path) -> None:
    spec = tmp_path / "escrow.spec"
    spec.write_text('spec Escrow { harness "h/recipe.toml"; invariant a: true; }\n')
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "recipe.toml").write_text('[target]\nargs = ["@deployer"]\n')
    assert check_spec(spec, PROJECT).harness == tmp_path / "h" / "recipe.toml"
    # without a harness line: deploy.toml next to the spec, else none
    spec.write_text("spec Escrow { invariant a: true; }\n")
    assert check_spec(spec, PROJECT).harness is None
    (tmp_path / "deploy.toml").write_text("[actors]\ncount = 2\n")
    assert check_spec(spec, PROJECT).harness == tmp_path / "deploy.toml"


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        (None, "does not exist"),
        ("[actors]\ncount = 0\n", "count must be a positive integer"),
        ("[target\n", "harness"),
        ('[target]\nargs = ["@nobody"]\n', "@nobody"),
    ],
)
def test_bad_harness_is_a_located_error(tmp_path: Path, recipe: str | None, message: str) -> None:
    spec = tmp_path / "escrow.spec"
    text = 'spec Escrow {\n    harness "deploy.toml";\n    harness "other.toml";\n}\n'
    spec.write_text(text)
    if recipe is not None:
        (tmp_path / "deploy.toml").write_text(recipe)
    with pytest.raises(SpecError) as info:
        check_spec(spec, PROJECT)
    first, second = info.value.diagnostics
    assert message in first.message and (first.span.line, first.span.column) == (2, 5)
    assert second.message == "a spec has at most one harness" and second.span.line == 3
