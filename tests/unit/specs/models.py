"""Hand-built contract models (the build layer is not needed to test the spec language)."""

from __future__ import annotations

from solvency.ir.model import Contract, Function, Parameter, ProjectModel, StateVariable
from solvency.ir.types import (
    ArrayType,
    ContractType,
    ElementaryType,
    EnumType,
    MappingType,
    StructField,
    StructType,
    Type,
)

U256 = ElementaryType("uint256")
U128 = ElementaryType("uint128")
U8 = ElementaryType("uint8")
I256 = ElementaryType("int256")
I128 = ElementaryType("int128")
ADDR = ElementaryType("address")
BOOL = ElementaryType("bool")
B32 = ElementaryType("bytes32")

MARKET = StructType(
    "Market",
    (
        StructField("totalSupplyAssets", U128),
        StructField("totalSupplyShares", U128),
        StructField("totalBorrowAssets", U128),
        StructField("totalBorrowShares", U128),
        StructField("lastUpdate", U128),
        StructField("fee", U128),
    ),
)
POSITION = StructType(
    "Position",
    (
        StructField("supplyShares", U256),
        StructField("borrowShares", U128),
        StructField("collateral", U128),
    ),
)


def var(name: str, t: Type, slot: int | None, offset: int = 0, **kw: object) -> StateVariable:
    return StateVariable(name, t, "C", slot, offset, **kw)  # type: ignore[arg-type]


def fn(
    name: str,
    params: list[tuple[str, Type]] = (),
    returns: list[Type] = (),  # type: ignore[assignment]
    mutability: str = "nonpayable",
    visibility: str = "external",
) -> Function:
    sig = f"{name}({','.join(str(t) for _, t in params)})"
    return Function(
        name,
        sig,
        "C",
        "C",
        visibility,
        mutability,
        tuple(Parameter(n, t) for n, t in params),
        tuple(Parameter("", t) for t in returns),
        (),
        False,
        False,
        False,
        (),
        (),
        (),
        None,
    )


def contract(name: str, variables: list[StateVariable], functions: list[Function]) -> Contract:
    return Contract(
        name, "contract", f"{name}.sol", (), tuple(variables), tuple(functions), (), None
    )


ESCROW = contract(
    "Escrow",
    [
        var("owner", ADDR, 0),
        var("paused", BOOL, 0, 20),
        var("fee", ElementaryType("uint16"), 0, 21),
        var("totalCollateral", U256, 1),
        var("collateral", MappingType(ADDR, U256), 2),
        var("allowance", MappingType(ADDR, MappingType(ADDR, U256)), 3),
        var("debt", MappingType(ADDR, I256), 4),
        var("oracle", ContractType("IOracle"), 5),
        var("users", ArrayType(ADDR), 6),
        var("limits", ArrayType(U128, 4), 7),
        var("kind", EnumType("Kind", ("A", "B", "C")), 9),
        var("MAX_FEE", U256, None, constant=True, constant_value=1000),
        var("token", ADDR, None, immutable=True),
        var("name", ElementaryType("string"), 10),
    ],
    [
        fn("deposit", [], [], "payable"),
        fn("withdraw", [("amount", U256)]),
        fn("setFee", [("newFee", U256)]),
        fn("liquidate", [("user", ADDR), ("amount", U256)], [U256]),
        fn("transfer", [("to", ADDR), ("amount", U256)], [BOOL]),
        fn("transfer", [("to", ADDR), ("amount", U256), ("memo", B32)], [BOOL]),
        fn("split", [("a", U256)], [U256, U256]),
        fn("setName", [("n", ElementaryType("string"))]),
        fn("collateralOf", [("u", ADDR)], [U256], "view"),
        fn("healthFactor", [("u", ADDR)], [U256], "view"),
        fn("pair", [], [U256, U256], "view"),
        fn("_internal", [], [], "nonpayable", "internal"),
    ],
)

MORPHO = contract(
    "Market",
    [
        var("owner", ADDR, 0),
        var("market", MappingType(B32, MARKET), 1),
        var("position", MappingType(B32, MappingType(ADDR, POSITION)), 2),
        var("isAuthorized", MappingType(ADDR, MappingType(ADDR, BOOL)), 3),
        var("oracle", ADDR, 4),
    ],
    [
        fn("supply", [("id", B32), ("assets", U256), ("onBehalf", ADDR)], [U256, U256]),
        fn("borrow", [("id", B32), ("assets", U256), ("onBehalf", ADDR)], [U256, U256]),
        fn("liquidate", [("id", B32), ("borrower", ADDR), ("seized", U256)], [U256, U256]),
        fn("accrueInterest", [("id", B32)]),
        fn("price", [("id", B32)], [U256], "view"),
        fn("lltv", [("id", B32)], [U256], "view"),
    ],
)

PROJECT = ProjectModel((ESCROW, MORPHO))
