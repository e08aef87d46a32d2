"""Solvency's escrow/margin rules: one Slither detector per file, declarative metadata.

`make_plugin` is Slither's plugin entry point (`slither_analyzer.plugin`), so with Solvency
installed `slither --detect accounting-after-call …` runs a rule directly.
"""

from __future__ import annotations

from typing import Any

from solvency.rules.accounting_after_call import AccountingAfterCall
from solvency.rules.cached_balance_alias import CachedBalanceAlias
from solvency.rules.credits_transfer_argument import CreditsTransferArgument
from solvency.rules.divide_before_multiply_amount import DivideBeforeMultiplyAmount
from solvency.rules.liquidation_without_health_check import LiquidationWithoutHealthCheck
from solvency.rules.missing_accrual import MissingAccrual
from solvency.rules.msg_value_in_loop import MsgValueInLoop
from solvency.rules.narrow_bitmask import NarrowBitmask
from solvency.rules.oracle_unchecked_round import OracleUncheckedRound
from solvency.rules.unchecked_token_transfer import UncheckedTokenTransfer
from solvency.rules.unguarded_risk_setter import UnguardedRiskSetter
from solvency.rules.vault_share_inflation import VaultShareInflation

ALL_RULES: tuple[type[Any], ...] = (
    AccountingAfterCall,
    CachedBalanceAlias,
    CreditsTransferArgument,
    DivideBeforeMultiplyAmount,
    LiquidationWithoutHealthCheck,
    MissingAccrual,
    MsgValueInLoop,
    NarrowBitmask,
    OracleUncheckedRound,
    UncheckedTokenTransfer,
    UnguardedRiskSetter,
    VaultShareInflation,
)

RULE_IDS: frozenset[str] = frozenset(r.meta.id for r in ALL_RULES)


def make_plugin() -> tuple[list[type[Any]], list[type[Any]]]:
    """Slither's plugin hook: (detectors, printers)."""
    return list(ALL_RULES), []
