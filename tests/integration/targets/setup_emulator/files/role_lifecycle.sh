#!/usr/bin/env bash
# The lifecycle a phase role's target runs on a sample organization, from the target's
# directory (its setup.yml, onboard.yml, check.yml, drift.yml, offboard.yml):
#   check mode (reports changes, writes nothing) -> apply -> independent check ->
#   idempotent re-run (changed=0 on the role hosts, no writes) -> drift.yml (drift ->
#   verify reports it -> onboarding corrects it, checked independently) -> [offboard check mode] -> offboard.
# Usage from runme.sh:
#   exec ../setup_emulator/files/role_lifecycle.sh [--offboard-check VAR=VALUE] -- "$@"
set -euo pipefail
offboard_check=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    --offboard-check) offboard_check=$2; shift 2 ;;
    *) echo "role_lifecycle.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "${1:-}" = "--" ] && shift
org=(-i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml")

ansible-playbook "$@" setup.yml
echo "== check mode: reports changes, writes nothing"
ansible-playbook "$@" "${org[@]}" onboard.yml --check --diff -e expect_no_writes=true -e expect_changes=true
echo "== apply"
ansible-playbook "$@" "${org[@]}" onboard.yml check.yml
echo "== idempotent: changed=0 and no writes"
ansible-playbook "$@" "${org[@]}" onboard.yml -e expect_no_writes=true | tee "$OUTPUT_DIR/idempotent.log"
if grep -E '^(management|log-archive|outside-[0-9]+) +:' "$OUTPUT_DIR/idempotent.log" | grep -v 'changed=0'; then
  echo "the idempotent run changed something" >&2
  exit 1
fi
echo "== drift -> verify reports it -> onboarding corrects it"
ansible-playbook "$@" "${org[@]}" drift.yml
echo "== offboard"
if [ -n "$offboard_check" ]; then
  ansible-playbook "$@" "${org[@]}" onboard.yml --check -e "$offboard_check" -e expect_no_writes=true
fi
ansible-playbook "$@" "${org[@]}" offboard.yml
