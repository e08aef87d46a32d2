"""Names that mark what escrow and margin code means: accounting storage, risk logic, guards.

Shared by the rules so that one vocabulary decides what "accounting" or "health" is.
"""

from __future__ import annotations

import re

# Storage that holds what users own or owe.
ACCOUNTING = re.compile(
    r"balance|deposit|debt|borrow|collateral|share|suppl|total|reserve|credit|position|margin"
    r"|^ink$|^art$|urn|locked|pending|stake|owed|principal|funds|escrow|claim|payout|liquidity|openinterest|insurance",
    re.IGNORECASE,
)
# Functions that compute a price, a health factor, LTV or solvency.
RISK_LOGIC = re.compile(
    r"price|health|safe|solven|liquidat|ltv|margin|capacity|equity|borrowable|collateral"
    r"|underwater|settle|payout|exercise|value",
    re.IGNORECASE,
)
# Risk parameters stored inside structs or mappings (a struct field name is enough).
RISK_PARAMETER = re.compile(
    r"price|rate|ratio|factor|ltv|threshold|bonus|penalty|incentive|oracle|feed|^mat$|^chop$",
    re.IGNORECASE,
)
# A predicate on a position's health.
HEALTH_CHECK = re.compile(
    r"health|safe|solven|liquidatable|underwater|collateraliz|insolvent|canliquidate",
    re.IGNORECASE,
)
LIQUIDATION = re.compile(
    r"^_?(liquidat(e|ion)?([A-Z_]\w*)?$|kick$|bark$|absorb|seize|startauction)", re.IGNORECASE
)
ACCRUAL = re.compile(
    r"accru|^drip$|updatefunding|updateinterest|updateindex|_update(rate|index)", re.IGNORECASE
)
REENTRANCY_GUARD = re.compile(
    r"nonreentrant|reentrancy|^lock$|nonreentr|^guarded$|mutex", re.IGNORECASE
)
AMOUNT_OR_PRICE = re.compile(
    r"amount|price|size|debt|collateral|value|asset|share|margin|balance|wad|ray|notional"
    r"|pnl|fee|premium|principal|interest|reserve|supply",
    re.IGNORECASE,
)
TOKEN_MOVE = re.compile(r"\b(transfer|transferFrom|approve)\b")
# Calls that hand control to a token, an ETH receiver or a callback: where reentrancy starts.
# (A rate model's or oracle's state-changing hook is trusted configuration, not a user hook.)
CONTROL_TRANSFER = re.compile(
    r"(?i:^(safe)?(transfer|transferFrom|send|approve|mint|burn|deposit|withdraw|redeem|swap"
    r"|flashLoan|call|execute|multicall)\w*$)|^on[A-Z]\w*|(?i:callback|hook)",
)
