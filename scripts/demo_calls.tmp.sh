#!/usr/bin/env bash
# Rehearse an onboarding against the emulator on a sample organization: build the organization,
# onboard it (onboard.yml), re-run the onboarding (idempotent: no write), verify it (verify.yml),
# print the Radiant handoff, and report each run's wall time and AWS calls (reads and writes,
# from the emulator's request log).
#   DEMO_MEMBERS (8)  DEMO_REGIONS (us-east-1,us-west-2)  DEMO_EXTERNAL_ID (rs-demo-external-id)
#   EMULATOR_KEEP=1 keeps the emulator running
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -x .venv/bin/python ] && export PATH=$ROOT/.venv/bin:$PATH
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/build/collections}
start=$SECONDS
mkdir -p demo
EMULATOR_DIR=build/demo-emulator
# shellcheck source=scripts/emulator-env.sh
. scripts/emulator-env.sh
echo "Emulator running at $EMULATOR_URL (pid $EMULATOR_PID)"

python -m radiant_emulator sample-org --endpoint "$EMULATOR_URL" \
  --members "${DEMO_MEMBERS:-8}" --suspended 1 --outside 2 \
  --regions "${DEMO_REGIONS:-us-east-1,us-west-2}" --company example \
  --inventory demo/accounts.yml --outside-csv demo/outside_accounts.csv

echo
echo "Accounts of the organization, as AWS Organizations reports them:"
aws organizations list-accounts \
  --query 'Accounts[].[Id,Name,Email,Status]' --output table
echo
echo "Inventory (demo/accounts.yml):"
ansible-inventory -i demo/accounts.yml --graph

playbook_args=(-i demo/accounts.yml
  -e "radiant_external_id=${DEMO_EXTERNAL_ID:-rs-demo-external-id}"
  -e "radiant_policy_backup_dir=$ROOT/demo/policy-backups"
  -e "radiant_handoff_file=$ROOT/demo/radiant-handoff.json")
figures=()
last_writes=0

# Run a playbook with a fresh request log; print and keep its wall time and AWS calls.
#   run_playbook LABEL LOG PLAYBOOK
run_playbook() {
  local label=$1 log=$2 playbook=$3 began=$SECONDS calls summary
  curl -fsS -X DELETE "$EMULATOR_URL/_emulator/requests" >/dev/null
  echo
  echo "=== $label: ansible-playbook $playbook (output: $log)"
  if ! ansible-playbook "$playbook" "${playbook_args[@]}" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "$label FAILED; full output in $log" >&2
    exit 1
  fi
  summary=$(curl -fsS "$EMULATOR_URL/_emulator/requests/summary")
  echo "$summary" > "demo/summary-${log##*/}.json"
  calls=$(python -c 'import json, sys; s = json.loads(sys.argv[1]); print("{0} AWS calls ({1} reads, {2} writes)".format(s["total"], s["reads"], s["writes"]))' "$summary")
  last_writes=$(python -c 'import json, sys; print(json.loads(sys.argv[1])["writes"])' "$summary")
  grep -A20 '^PLAY RECAP' "$log" | sed -n '2,/^$/p' | sed '/^$/d'
  figures+=("$(printf '%-32s %5d s   %s' "$label" "$((SECONDS - began))" "$calls")")
  echo "$label: $((SECONDS - began)) s, $calls"
}

run_playbook "Onboarding (first run)" demo/onboard-first.log onboard.yml
run_playbook "Onboarding (idempotent re-run)" demo/onboard-rerun.log onboard.yml
if [ "$last_writes" != 0 ]; then
  echo "The re-run wrote to AWS ($last_writes writes): the onboarding is not idempotent" >&2
  exit 1
fi
run_playbook "Verification (verify.yml)" demo/verify.log verify.yml

echo
echo "=== Radiant handoff (demo/radiant-handoff.json)"
python -m json.tool demo/radiant-handoff.json
echo
echo "=== Figures (emulator request log)"
printf '%s\n' "${figures[@]}"
echo
echo "Demo finished in $((SECONDS - start)) s."
if [ "${EMULATOR_KEEP:-0}" = 1 ]; then
  echo "Emulator left running at $EMULATOR_URL; stop it with: kill $EMULATOR_PID"
fi
