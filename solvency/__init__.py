"""Solvency: a verification suite for Solidity contracts that hold collateral."""

__version__ = "0.1.0"
