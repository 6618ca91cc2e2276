#!/usr/bin/env bash
# Run the integration targets against ONE emulator, in sequence, failing at the first failure.
#   scripts/integration.sh [target ...]      default: every target (see below)
#   INTEGRATION_VERBOSE=1                    stream ansible-playbook's output (default: a
#                                            target's output is printed only when it fails)
#   INTEGRATION_ARGS="-vvv"                  extra ansible-playbook arguments
#   INTEGRATION_JOBS=2                       two runs side by side, each with its own emulator
#   TEST_KEEP_GOING=1                        a failed target does not stop the run (nor empty the
#                                            shared queue): every target runs, the run fails at the end
#   INTEGRATION_WITH_MOLECULE=1              the default list also holds every molecule scenario
#                                            (molecule:<name>, run by scripts/molecule.sh), so one
#                                            longest-first queue packs both kinds of test
# Logs: build/integration/latest/logs/<target>.log (each run has its own run-* directory).
#
# Targets keep ansible-test's layout: tests/integration/targets/<name>/{tasks/main.yml,aliases,
# meta/main.yml}. Every target except setup_* and those whose aliases say 'disabled' or
# 'unsupported' runs, as a role in a one-host play (like ansible-test integration), with the
# extra vars aws_endpoint_url, aws_access_key, aws_secret_key, aws_region, emulator_url and
# output_dir. A target with runme.sh instead of tasks/ gets the same as ansible-playbook
# arguments. The emulator is reset (POST /_emulator/reset) before each target.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -x .venv/bin/python ] && export PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/build/collections}
# Module runs reuse the bytecode of the module_utils they import from their zip payloads
# (tests/harness/zip_bytecode.py; RADIANT_ZIP_BYTECODE_CACHE= turns it off), and every ansible-playbook
# reuses the payloads built from the same sources (tests/harness/ansiballz_cache.py; RADIANT_ANSIBALLZ_CACHE=).
# Module runs fork from a Python that has imported boto3 (scripts/forkserver-env.sh; RADIANT_MODULE_FORKSERVER=).
export RADIANT_ZIP_BYTECODE_CACHE=${RADIANT_ZIP_BYTECODE_CACHE-$ROOT/build/zip-bytecode}
export RADIANT_ANSIBALLZ_CACHE=${RADIANT_ANSIBALLZ_CACHE-$ROOT/build/ansiballz}
if [ ! -e "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/radiant/aws_onboarding" ]; then
  echo "collection path missing: run 'make collection' first" >&2
  exit 2
fi
TARGETS_DIR=tests/integration/targets
export ANSIBLE_ROLES_PATH=$ROOT/$TARGETS_DIR
export ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-1} ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DEPRECATION_WARNINGS=0

MOLECULE_DIR=extensions/molecule
runnable() {  # a target runs unless it is a setup_ target or its aliases disable it
  local target=$1
  [[ $target == molecule:* ]] && { [ -f "$MOLECULE_DIR/${target#molecule:}/molecule.yml" ]; return; }
  [[ $target == setup_* ]] && return 1
  [ -f "$TARGETS_DIR/$target/aliases" ] && grep -qwE 'disabled|unsupported' "$TARGETS_DIR/$target/aliases" && return 1
  [ -f "$TARGETS_DIR/$target/tasks/main.yml" ] || [ -x "$TARGETS_DIR/$target/runme.sh" ]
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in "$TARGETS_DIR"/*/; do
    target=$(basename "$dir")
    runnable "$target" && targets+=("$target")
  done
  if [ "${INTEGRATION_WITH_MOLECULE:-0}" = 1 ]; then
    for file in "$MOLECULE_DIR"/*/molecule.yml; do
      [ -e "$file" ] && targets+=("molecule:$(basename "$(dirname "$file")")")
    done
  fi
else
  for target in "${targets[@]}"; do
    runnable "$target" || [ -d "$TARGETS_DIR/$target" ] || { echo "no such target: $target" >&2; exit 2; }
  done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "no integration targets found under $TARGETS_DIR" >&2
  exit 1
fi

# INTEGRATION_JOBS=N: N runs of this script side by side, each with its own emulator, taking
# targets from one shared queue, longest first (tests/integration/durations.txt records each
# target's last measured seconds; unknown targets count as 60 s), so the runs end together.
if [ "${INTEGRATION_JOBS:-1}" -gt 1 ] && [ ${#targets[@]} -gt 1 ]; then
  jobs_start=$SECONDS
  mkdir -p build/integration
  queue=$(mktemp "$ROOT/build/integration/queue-XXXXXX")
  for target in "${targets[@]}"; do
    seconds=$(awk -v t="$target" '$2 == t { print $1 }' tests/integration/durations.txt 2>/dev/null)
    echo "${seconds:-60} $target"
  done | sort -rn | awk '{ print $2 }' >"$queue"
  pids=()
  for ((job = 1; job <= INTEGRATION_JOBS; job++)); do
    (INTEGRATION_JOBS=1 INTEGRATION_QUEUE=$queue "$ROOT/scripts/integration.sh" 2>&1 | sed -u "s/^/[job $job] /") &
    pids+=($!)
  done
  status=0
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  rm -f "$queue" "$queue.lock"
  echo "=== integration: ${#targets[@]} target(s) in ${#pids[@]} jobs, $((SECONDS - jobs_start)) s"
  exit "$status"
fi

# The next target: from the shared queue when running as one of several jobs (a job that
# failed empties the queue, so the others stop after their current target), else in order.
next_index=0
next_target() {
  if [ -n "${INTEGRATION_QUEUE:-}" ]; then
    target=$({
      flock 9
      head -n 1 "$INTEGRATION_QUEUE"
      sed -i 1d "$INTEGRATION_QUEUE"
    } 9>"$INTEGRATION_QUEUE.lock")
    [ -n "$target" ]
  else
    [ "$next_index" -lt ${#targets[@]} ] || return 1
    target=${targets[next_index]}
    next_index=$((next_index + 1))
  fi
}

# Each run works in a directory of its own (engineers share this tree and run concurrently);
# build/integration/latest points at the last one started. Runs older than a day are pruned.
mkdir -p build/integration
find build/integration -mindepth 1 -maxdepth 1 -name 'run-*' -mmin +1440 -exec rm -rf {} +
WORK=$(mktemp -d "$ROOT/build/integration/run-XXXXXX")
ln -sfn "$(basename "$WORK")" build/integration/latest
export ANSIBLE_LOCAL_TEMP=$WORK/tmp
mkdir -p "$WORK/tmp" "$WORK/logs" "$WORK/output"
EMULATOR_DIR=$WORK/emulator
# shellcheck source=scripts/emulator-env.sh
. scripts/emulator-env.sh
echo "emulator: $EMULATOR_URL (log: $EMULATOR_DIR/emulator.log)"
# shellcheck source=scripts/forkserver-env.sh
. scripts/forkserver-env.sh

cat >"$WORK/inventory" <<INVENTORY
testhost ansible_connection=local ansible_python_interpreter=$(command -v python)
INVENTORY

# CPU seconds the emulator has used so far: shows how a target's time splits between
# Ansible and the emulator.
emulator_cpu() {
  # shellcheck disable=SC2153  # EMULATOR_PID comes from scripts/emulator-env.sh
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' "/proc/$EMULATOR_PID/stat"
}

# CPU seconds (user + sys) of the finished children of this script: a target's CPU cost, which
# unlike its wall time does not grow with the machine's load (the emulator is reported apart).
children_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.1f", ($14 + $15) / hz }' "/proc/$$/stat"
}

results=()
failed_targets=()
# A failure stops this run and empties the shared queue, so the other jobs stop after their
# current target; with TEST_KEEP_GOING=1 it is recorded and the run goes on.
target_failed() {
  results+=("$(printf '%5d s  %s FAILED' "$2" "$1")")
  failed_targets+=("$1")
  [ "${TEST_KEEP_GOING:-0}" = 1 ] && return 0
  [ -z "${INTEGRATION_QUEUE:-}" ] || : >"$INTEGRATION_QUEUE"
  exit 1
}
total_start=$SECONDS
while next_target; do
  output_dir=$WORK/output/$target
  mkdir -p "$output_dir"
  cat >"$WORK/vars.yml" <<VARS
aws_endpoint_url: $EMULATOR_URL
aws_access_key: $AWS_ACCESS_KEY_ID
aws_secret_key: $AWS_SECRET_ACCESS_KEY
aws_region: us-east-1
emulator_url: $EMULATOR_URL
output_dir: $output_dir
VARS
  cat >"$WORK/$target.yml" <<PLAY
---
- name: Integration target $target
  hosts: testhost
  gather_facts: false
  roles:
    - role: $target
PLAY
  log=$WORK/logs/${target/:/-}.log
  if [[ $target == molecule:* ]]; then
    # A scenario brings its own emulator and organization (scripts/molecule.sh).
    start=$SECONDS
    echo "--- scenario ${target#molecule:}"
    children_start=$(children_cpu)
    if ! MOLECULE_JOBS=1 scripts/molecule.sh "${target#molecule:}" >"$log" 2>&1; then
      cat "$log"
      echo "--- scenario ${target#molecule:} FAILED after $((SECONDS - start)) s; log: $log"
      target_failed "$target" "$((SECONDS - start))"
      continue
    fi
    playbook_cpu=$(awk -v a="$children_start" -v b="$(children_cpu)" 'BEGIN { printf "%.1f", b - a }')
    echo "--- scenario ${target#molecule:} passed in $((SECONDS - start)) s, CPU ${playbook_cpu} s (its emulator included)"
    results+=("$(printf '%5d s  %7.1f s CPU  %s' "$((SECONDS - start))" "$playbook_cpu" "$target")")
    continue
  fi
  curl -fsS -X POST "$EMULATOR_URL/_emulator/reset" >/dev/null
  read -ra extra_args <<<"${INTEGRATION_ARGS:-}"
  playbook_args=(-i "$WORK/inventory" -e "@$WORK/vars.yml" "${extra_args[@]}")
  start=$SECONDS
  cpu_start=$(emulator_cpu)
  children_start=$(children_cpu)
  echo "--- target $target"
  set +e
  if [ -x "$TARGETS_DIR/$target/runme.sh" ]; then
    command=(env INVENTORY_PATH="$WORK/inventory" OUTPUT_DIR="$output_dir" ./runme.sh "${playbook_args[@]}")
    if [ "${INTEGRATION_VERBOSE:-0}" = 1 ]; then
      (cd "$TARGETS_DIR/$target" && "${command[@]}") 2>&1 | tee "$log"
    else
      (cd "$TARGETS_DIR/$target" && "${command[@]}") >"$log" 2>&1
    fi
  elif [ "${INTEGRATION_VERBOSE:-0}" = 1 ]; then
    ansible-playbook "${playbook_args[@]}" "$WORK/$target.yml" 2>&1 | tee "$log"
  else
    ansible-playbook "${playbook_args[@]}" "$WORK/$target.yml" >"$log" 2>&1
  fi
  status=${PIPESTATUS[0]}
  set -e
  elapsed=$((SECONDS - start))
  if [ "$status" -ne 0 ]; then
    [ "${INTEGRATION_VERBOSE:-0}" = 1 ] || cat "$log"
    echo "--- target $target FAILED (exit $status) after ${elapsed} s; log: $log"
    echo "--- emulator log: $EMULATOR_DIR/emulator.log"
    target_failed "$target" "$elapsed"
    continue
  fi
  recap=$(grep -E '^testhost +:' "$log" | tail -1 | sed -E 's/ +/ /g' || true)  # a runme.sh target may print no recap
  cpu=$(awk -v a="$cpu_start" -v b="$(emulator_cpu)" 'BEGIN { printf "%.1f", b - a }')
  playbook_cpu=$(awk -v a="$children_start" -v b="$(children_cpu)" 'BEGIN { printf "%.1f", b - a }')
  echo "--- target $target passed in ${elapsed} s, CPU ${playbook_cpu} s + emulator ${cpu} s (${recap#testhost : })"
  results+=("$(printf '%5d s  %7.1f s CPU  %s' "$elapsed" "$playbook_cpu" "$target")")
done

echo "=== integration: ${#results[@]} target(s) in $((SECONDS - total_start)) s"
printf '%s\n' "${results[@]}"
if [ ${#failed_targets[@]} -gt 0 ]; then
  echo "=== FAILED: ${failed_targets[*]}"
  exit 1
fi
