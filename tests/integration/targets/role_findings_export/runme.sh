#!/usr/bin/env bash
# findings_export on a sample organization with the customer's bucket and key (their own policy
# statements): check mode, apply, idempotence, drift -> verify -> re-apply, offboard keeping both.
set -euo pipefail
org=(-i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml")

ansible-playbook "$@" setup.yml
echo "== check mode: reports changes, writes nothing"
ansible-playbook "$@" "${org[@]}" onboard.yml --check --diff -e expect_no_writes=true -e expect_changes=true
echo "== apply"
ansible-playbook "$@" "${org[@]}" onboard.yml
ansible-playbook "$@" "${org[@]}" check.yml
echo "== idempotent: changed=0 and no writes"
ansible-playbook "$@" "${org[@]}" onboard.yml -e expect_no_writes=true | tee "$OUTPUT_DIR/idempotent.log"
grep -E '^(management|log-archive|x) +:' "$OUTPUT_DIR/idempotent.log" | grep -v 'changed=0' && {
  echo "the idempotent run changed something" >&2; exit 1; }
echo "== drift -> verify reports it -> onboarding corrects it -> verify is clean"
ansible-playbook "$@" "${org[@]}" drift.yml
echo "== offboard"
ansible-playbook "$@" "${org[@]}" offboard.yml
