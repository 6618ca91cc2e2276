#!/usr/bin/env bash
# Run every check CI runs, or the named stages: lint sanity unit emulator integration molecule.
# Each stage's wall time is printed, and the total at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STAGES=("$@")
[ ${#STAGES[@]} -gt 0 ] || STAGES=(lint sanity unit emulator integration molecule)

run_stage() {
  local stage=$1 start=$SECONDS
  echo "=== stage: $stage"
  "stage_$stage"
  echo "=== stage $stage passed in $((SECONDS - start)) s"
}

stage_lint() {
  ruff check plugins tests scripts
  yamllint -s .
  ansible-lint --profile production
}

stage_sanity() {
  scripts/sanity.sh
}

stage_unit() {
  python -m pytest -q -p no:cacheprovider tests/unit
}

stage_emulator() {
  python -m pytest -q -p no:cacheprovider tests/emulator/tests
}

stage_integration() {
  scripts/integration.sh
}

stage_molecule() {
  scripts/molecule.sh
}

total_start=$SECONDS
for stage in "${STAGES[@]}"; do
  run_stage "$stage"
done
echo "=== all stages passed (${STAGES[*]}) in $((SECONDS - total_start)) s"
