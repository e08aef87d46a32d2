#!/usr/bin/env bash
# Run the whole test suite (installing first, so it works on a fresh clone).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --no-example || exit 2
python3 -m pytest -q -p no:cacheprovider "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: a run that executes nothing is a failure" >&2
  exit 1
fi
exit "$status"
