"""`solvency prove`: the symbolic engine on the command line (part of the CLI layer)."""

from __future__ import annotations

import argparse


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `prove` (filled in with the prover)."""
