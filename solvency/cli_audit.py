"""`solvency audit` and `solvency baseline`: every engine, one report (part of the CLI layer)."""

from __future__ import annotations

import argparse


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `audit` and `baseline` (filled in with the audit)."""
