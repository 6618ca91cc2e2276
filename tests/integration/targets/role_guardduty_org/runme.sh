#!/usr/bin/env bash
# guardduty_org on a sample organization (8 members in nested OUs, 1 suspended, 1 excluded,
# 2 outside accounts, 2 Regions): check mode, apply, idempotence, drift -> verify -> re-apply,
# a customer's existing detector adopted, offboard.
set -euo pipefail
run() { ansible-playbook "$@"; }
org=(-i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml")

run "$@" setup.yml
echo "== check mode: reports changes, writes nothing"
run "$@" "${org[@]}" onboard.yml --check --diff -e expect_no_writes=true -e expect_changes=true
echo "== apply"
run "$@" "${org[@]}" onboard.yml
run "$@" "${org[@]}" check.yml
echo "== idempotent: changed=0 and no writes"
run "$@" "${org[@]}" onboard.yml -e expect_no_writes=true | tee "$OUTPUT_DIR/idempotent.log"
grep -E '^(management|log-archive|outside-[0-9]+) +:' "$OUTPUT_DIR/idempotent.log" | grep -v 'changed=0' && {
  echo "the idempotent run changed something" >&2; exit 1; }
echo "== drift -> verify reports it -> onboarding corrects it -> verify is clean"
run "$@" "${org[@]}" drift.yml
echo "== offboard"
run "$@" "${org[@]}" onboard.yml --check -e guardduty_org_entry=offboard -e expect_no_writes=true
run "$@" "${org[@]}" offboard.yml
