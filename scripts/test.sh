#!/usr/bin/env bash
# Run every check CI runs, or the named stages: lint sanity unit emulator integration molecule
# (integration and molecule, asked for together, run as one queue: the stage "functional").
# Each stage's wall time is printed, then a summary; the first failing stage stops the run
# (TEST_KEEP_GOING=1: run every stage anyway and fail at the end).
# The static stages run side by side in three lanes: lint (130 s, more than one core), sanity and
# unit (110 s, one core), emulator (94 s, half of it waiting on the emulator's asynchrony), so the
# two cores are busy. Each stage's output goes to a log that is printed, in stage order, once every
# lane is done; a failure lets the running stages finish but starts no other one
# (TEST_KEEP_GOING=1: every lane runs to the end). TEST_SERIAL=1: one at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -x .venv/bin/python ] && export PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/build/collections}
ALL_STAGES=(lint sanity unit emulator integration molecule)
STATIC_STAGES=(lint sanity unit emulator)
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
  # changelogs/: fragments and changelog.yaml valid, and CHANGELOG.md what antsibull-changelog generates from them.
  antsibull-changelog lint || failures+=("antsibull-changelog lint")
  antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml || failures+=("changelog.yaml")
  local generated
  generated=$(mktemp)
  if ! antsibull-changelog generate --output "$generated" --output-format md || ! diff -u CHANGELOG.md "$generated"; then
    echo "CHANGELOG.md is not what changelogs/ generates: add a fragment under changelogs/fragments/ and run" \
      "'antsibull-changelog release --version <galaxy.yml version>' (never edit CHANGELOG.md by hand)" >&2
    failures+=("CHANGELOG.md")
  fi
  rm -f "$generated"
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

# Integration targets and molecule scenarios in ONE longest-first queue over two jobs: three
# scenarios of 4-8 min split badly over two jobs on their own, but pack well among the targets.
stage_functional() {
  INTEGRATION_JOBS=${INTEGRATION_JOBS:-2} INTEGRATION_WITH_MOLECULE=1 scripts/integration.sh
}

# Asked for both, integration and molecule run as one stage, 'functional' (see above).
if [[ " ${STAGES[*]} " == *" integration "* && " ${STAGES[*]} " == *" molecule "* ]]; then
  merged=()
  for stage in "${STAGES[@]}"; do
    case $stage in
      integration) merged+=(functional) ;;
      molecule) ;;
      *) merged+=("$stage") ;;
    esac
  done
  STAGES=("${merged[@]}")
fi

for stage in "${STAGES[@]}"; do
  if ! declare -F "stage_$stage" >/dev/null; then
    echo "unknown stage '$stage'; stages: ${ALL_STAGES[*]}" >&2
    exit 2
  fi
done

keep_going() { [ "${TEST_KEEP_GOING:-0}" = 1 ]; }

timings=()
failed=()
# Print a finished stage's last line and keep its wall time for the summary.
record() {
  local stage=$1 status=$2 seconds=$3
  if [ "$status" -ne 0 ]; then
    echo "=== stage $stage FAILED after $seconds s"
    timings+=("$(printf '%5d s  %s FAILED' "$seconds" "$stage")")
    failed+=("$stage")
  else
    echo "=== stage $stage passed in $seconds s"
    timings+=("$(printf '%5d s  %s' "$seconds" "$stage")")
  fi
}

run_stage() {
  local stage=$1 start=$SECONDS status
  echo "=== stage: $stage"
  # A subshell outside any 'if': inside a condition bash would ignore 'set -e' in the stage.
  set +e
  (set -e; "stage_$stage")
  status=$?
  set -e
  record "$stage" "$status" "$((SECONDS - start))"
}

# One lane: its stages in turn, each into LANES_DIR/<stage>.log with "status seconds" in
# <stage>.status. After a failure (either lane's, marked by the file 'stop') no stage starts.
run_lane() {
  local stage start status
  for stage in "$@"; do
    [ -e "$LANES_DIR/stop" ] && break
    start=$SECONDS
    set +e
    (set -e; "stage_$stage") >"$LANES_DIR/$stage.log" 2>&1 </dev/null
    status=$?
    set -e
    echo "$status $((SECONDS - start))" >"$LANES_DIR/$stage.status"
    if [ "$status" -ne 0 ] && ! keep_going; then
      touch "$LANES_DIR/stop"
      break
    fi
  done
}

# The lane of a static stage (see the header): lint, emulator, or the others.
lane_of() {
  case $1 in
    lint | emulator) echo "$1" ;;
    *) echo other ;;
  esac
}

run_static_stages() {
  local lanes=() lane stage status seconds pids=()
  for stage in "$@"; do
    lane=$(lane_of "$stage")
    [[ " ${lanes[*]} " == *" $lane "* ]] || lanes+=("$lane")
  done
  if [ "${TEST_SERIAL:-0}" = 1 ] || [ ${#lanes[@]} -lt 2 ]; then
    for stage in "$@"; do
      run_stage "$stage"
      [ ${#failed[@]} -eq 0 ] || keep_going || return 0
    done
    return 0
  fi
  mkdir -p build/test
  find build/test -mindepth 1 -maxdepth 1 -name 'run-*' -mmin +1440 -exec rm -rf {} +
  LANES_DIR=$(mktemp -d "$ROOT/build/test/run-XXXXXX")
  local described="" members
  for lane in "${lanes[@]}"; do
    members=()
    for stage in "$@"; do
      if [ "$(lane_of "$stage")" = "$lane" ]; then members+=("$stage"); fi
    done
    described+="${described:+ | }${members[*]}"
    run_lane "${members[@]}" &
    pids+=($!)
  done
  echo "=== stages side by side: $described (output follows when all end; logs in $LANES_DIR)"
  wait "${pids[@]}" || true
  for stage in "$@"; do
    # A stage that never started (its lane stopped at a failure) is left out, as when serial.
    [ -e "$LANES_DIR/$stage.status" ] || continue
    read -r status seconds <"$LANES_DIR/$stage.status"
    echo "=== stage: $stage"
    cat "$LANES_DIR/$stage.log"
    record "$stage" "$status" "$seconds"
  done
}

is_static() {
  local stage
  for stage in "${STATIC_STAGES[@]}"; do [ "$1" = "$stage" ] && return 0; done
  return 1
}

total_start=$SECONDS
index=0
while [ "$index" -lt ${#STAGES[@]} ]; do
  group=()
  while [ "$index" -lt ${#STAGES[@]} ] && is_static "${STAGES[index]}"; do
    group+=("${STAGES[index]}")
    index=$((index + 1))
  done
  if [ ${#group[@]} -gt 0 ]; then
    run_static_stages "${group[@]}"
  else
    run_stage "${STAGES[index]}"
    index=$((index + 1))
  fi
  [ ${#failed[@]} -eq 0 ] || keep_going || break
done
echo "=== wall time per stage"
printf '%s\n' "${timings[@]}"
printf '%5d s  total\n' "$((SECONDS - total_start))"
echo "stages: $((${#timings[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
