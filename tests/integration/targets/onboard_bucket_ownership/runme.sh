#!/usr/bin/env bash
# A member account squats the findings and CloudTrail bucket names (a known attack on predictable
# names) before onboarding. onboard.yml must stop in preflight, naming both buckets, the log
# account and the variables to change, with zero writes in the whole run; each phase run alone
# (--tags, preflight skipped) must stop at its own ownership check, also with zero writes.
set -euo pipefail
org=(-i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" -e "@vars.yml")
ansible-playbook "$@" setup.yml
for phase in all org_trail findings_export cross_account_logging; do
  echo "== onboard.yml --tags $phase on squatted bucket names: must fail before any write"
  tags=()
  [ "$phase" = all ] || tags=(--tags "$phase")
  if ansible-playbook "$@" "${org[@]}" "${tags[@]}" radiant.aws_onboarding.onboard >"$OUTPUT_DIR/$phase.log" 2>&1; then
    cat "$OUTPUT_DIR/$phase.log"
    echo "onboard.yml ($phase) succeeded on buckets another account owns" >&2
    exit 1
  fi
  ansible-playbook "$@" -e "@$OUTPUT_DIR/sample_org.yml" -e "ownership_phase=$phase" check.yml
done
