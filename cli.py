#!/usr/bin/env python3
"""Thin launcher: `python cli.py …` from a checkout is the same as `solvency …`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from solvency.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
