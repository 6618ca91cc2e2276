#!/usr/bin/env bash
# Run every check CI runs, or the named stages: lint sanity unit emulator integration molecule.
# Each stage's wall time is printed, then a summary; the first failing stage stops the run
# (TEST_KEEP_GOING=1: run every stage anyway and fail at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -x .venv/bin/python ] && export PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/build/collections}
ALL_STAGES=(lint sanity unit emulator integration molecule)
STAGES=("$@")
[ ${#STAGES[@]} -gt 0 ] || STAGES=("${ALL_STAGES[@]}")

# pytest exits 5 when it collected no test: that is a failure here, said out loud.
run_pytest() {
  local status=0
  python -m pytest -q -p no:cacheprovider "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests in $*: a stage that tests nothing is a failure" >&2
  fi
  return "$status"
}

stage_lint() {
  # Every linter runs, so one run shows every finding; the stage fails if any failed.
  local failures=()
  ruff check . || failures+=(ruff)
  yamllint -s . || failures+=(yamllint)
  # The collection's content, then the test playbooks (see tests/integration/.ansible-lint).
  ansible-lint --nocolor -q || failures+=(ansible-lint)
  ANSIBLE_ROLES_PATH=$ROOT/tests/integration/targets \
    ansible-lint --nocolor -q -c tests/integration/.ansible-lint tests/integration extensions/molecule \
    || failures+=("ansible-lint (tests)")
  if [ ${#failures[@]} -gt 0 ]; then
    echo "lint failed: ${failures[*]}" >&2
    return 1
  fi
}

stage_sanity() {
  scripts/sanity.sh
}

stage_unit() {
  # Includes tests/unit/test_collection_build.py: 'ansible-galaxy collection build' is clean.
  run_pytest tests/unit
}

stage_emulator() {
  run_pytest tests/emulator/tests
}

# Two jobs, each with its own emulator: Ansible's per-task cost is CPU-bound, and the
# machine has two cores.
stage_integration() {
  INTEGRATION_JOBS=${INTEGRATION_JOBS:-2} scripts/integration.sh
}

stage_molecule() {
  MOLECULE_JOBS=${MOLECULE_JOBS:-2} scripts/molecule.sh
}

timings=()
failed=()
total_start=$SECONDS
for stage in "${STAGES[@]}"; do
  if ! declare -F "stage_$stage" >/dev/null; then
    echo "unknown stage '$stage'; stages: ${ALL_STAGES[*]}" >&2
    exit 2
  fi
  echo "=== stage: $stage"
  start=$SECONDS
  # A subshell outside any 'if': inside a condition bash would ignore 'set -e' in the stage.
  set +e
  (set -e; "stage_$stage")
  status=$?
  set -e
  if [ "$status" -ne 0 ]; then
    echo "=== stage $stage FAILED after $((SECONDS - start)) s"
    timings+=("$(printf '%5d s  %s FAILED' "$((SECONDS - start))" "$stage")")
    failed+=("$stage")
    [ "${TEST_KEEP_GOING:-0}" = 1 ] || break
    continue
  fi
  echo "=== stage $stage passed in $((SECONDS - start)) s"
  timings+=("$(printf '%5d s  %s' "$((SECONDS - start))" "$stage")")
done
echo "=== wall time per stage"
printf '%s\n' "${timings[@]}"
printf '%5d s  total\n' "$((SECONDS - total_start))"
echo "stages: $((${#timings[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
