#!/usr/bin/env bash
# Rehearse an onboarding against the emulator on a sample organization.
#   DEMO_MEMBERS (8)  DEMO_REGIONS (us-east-1,us-west-2)  EMULATOR_KEEP=1 keeps it running
set -euo pipefail
cd "$(dirname "$0")/.."
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
echo
echo "Demo finished in $((SECONDS - start)) s."
if [ "${EMULATOR_KEEP:-0}" = 1 ]; then
  echo "Emulator left running at $EMULATOR_URL; stop it with: kill $EMULATOR_PID"
fi
