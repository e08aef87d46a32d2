#!/usr/bin/env bash
# Install Solvency and everything it needs on a fresh machine, then run the main job on the
# bundled corpus escrow. `--no-example` stops after installing (the test script uses that).
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js + npm run solc-js, the offline path to every solc release (0.4.x - 0.8.x).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "Solvency needs Node.js 18+ with npm for solc-js: install them (e.g. apt-get install nodejs npm)" >&2
    exit 2
  fi
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'

if [ "${1:-}" = "--no-example" ]; then
  exit 0
fi
# The main job: audit a bundled corpus escrow against its spec (EthEscrow.spec beside it):
# static pass, prover (5 s per obligation), 10 s of fuzzing, one report. The first run
# installs the solc release the pragma asks for (solc-js via npm, unless a native solc of
# that version is present).
solvency audit corpora/eth_escrow/EthEscrow.sol --fuzz-budget 10s --prove-timeout 5
