#!/usr/bin/env bash
# Run the molecule scenarios of extensions/molecule against ONE emulator, in sequence.
#   scripts/molecule.sh [scenario ...]     default: every scenario with a molecule.yml
# Each scenario's sequence is in extensions/molecule/config.yml (destroy, create = build a
# sample organization, check, converge, idempotence, verify, destroy = reset the emulator).
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
SCENARIOS_DIR=extensions/molecule
# A directory per run: engineers share this tree and may run concurrently.
mkdir -p build/molecule
find build/molecule -mindepth 1 -maxdepth 1 -name 'run-*' -mmin +1440 -exec rm -rf {} +
WORK=$(mktemp -d "$ROOT/build/molecule/run-XXXXXX")

scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  for file in "$SCENARIOS_DIR"/*/molecule.yml; do
    [ -e "$file" ] && scenarios+=("$(basename "$(dirname "$file")")")
  done
fi
if [ ${#scenarios[@]} -eq 0 ]; then
  echo "no molecule scenarios found under $SCENARIOS_DIR" >&2
  exit 1
fi

# MOLECULE_JOBS=N: split the scenarios over N runs side by side, each with its own emulator,
# longest first (the same durations file as the integration targets, as "molecule:<name>").
if [ "${MOLECULE_JOBS:-1}" -gt 1 ] && [ ${#scenarios[@]} -gt 1 ]; then
  rmdir "$WORK"
  jobs_start=$SECONDS
  mapfile -t ordered < <(for scenario in "${scenarios[@]}"; do
    seconds=$(awk -v t="molecule:$scenario" '$2 == t { print $1 }' tests/integration/durations.txt 2>/dev/null)
    echo "${seconds:-120} $scenario"
  done | sort -rn | awk '{ print $2 }')
  # Longest first, each to the job with the least work so far.
  declare -a load shares
  for ((job = 0; job < MOLECULE_JOBS; job++)); do load[job]=0; shares[job]=""; done
  for scenario in "${ordered[@]}"; do
    seconds=$(awk -v t="molecule:$scenario" '$2 == t { print $1 }' tests/integration/durations.txt 2>/dev/null)
    best=0
    for ((job = 1; job < MOLECULE_JOBS; job++)); do [ "${load[job]}" -lt "${load[best]}" ] && best=$job; done
    load[best]=$((load[best] + ${seconds:-120}))
    shares[best]="${shares[best]} $scenario"
  done
  pids=()
  for ((job = 0; job < MOLECULE_JOBS; job++)); do
    [ -n "${shares[job]}" ] || continue
    # shellcheck disable=SC2086  # scenario names are words
    (MOLECULE_JOBS=1 "$ROOT/scripts/molecule.sh" ${shares[job]} 2>&1 | sed -u "s/^/[job $((job + 1))] /") &
    pids+=($!)
  done
  status=0
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  echo "=== molecule: ${#scenarios[@]} scenario(s) in ${#pids[@]} jobs, $((SECONDS - jobs_start)) s"
  exit "$status"
fi

EMULATOR_DIR=$WORK/emulator
# shellcheck source=scripts/emulator-env.sh
. scripts/emulator-env.sh
# shellcheck source=scripts/forkserver-env.sh
. scripts/forkserver-env.sh
echo "emulator: $EMULATOR_URL (log: $EMULATOR_DIR/emulator.log)"
cat >"$WORK/emulator_vars.yml" <<VARS
aws_endpoint_url: $EMULATOR_URL
aws_access_key: $AWS_ACCESS_KEY_ID
aws_secret_key: $AWS_SECRET_ACCESS_KEY
aws_region: us-east-1
emulator_url: $EMULATOR_URL
output_dir: $WORK/output
VARS
mkdir -p "$WORK/output"
export MOLECULE_EMULATOR_VARS=$WORK/emulator_vars.yml
export ANSIBLE_NOCOLOR=1 PY_COLORS=0 ANSIBLE_FORCE_COLOR=0

results=()
total_start=$SECONDS
for scenario in "${scenarios[@]}"; do
  start=$SECONDS
  echo "--- scenario $scenario"
  if ! molecule test --scenario-name "$scenario"; then
    echo "--- scenario $scenario FAILED after $((SECONDS - start)) s; emulator log: $EMULATOR_DIR/emulator.log"
    exit 1
  fi
  echo "--- scenario $scenario passed in $((SECONDS - start)) s"
  results+=("$(printf '%5d s  %s' "$((SECONDS - start))" "$scenario")")
done
echo "=== molecule: ${#scenarios[@]} scenario(s) in $((SECONDS - total_start)) s"
printf '%s\n' "${results[@]}"
