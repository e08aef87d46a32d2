"""`python -m solvency …` is the same as the `solvency` command."""

from solvency.cli import main

raise SystemExit(main())
