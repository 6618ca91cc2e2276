#!/usr/bin/env bash
# handoff on a sample organization: the values Radiant asks for, in JSON and YAML, no secret.
set -euo pipefail
ansible-playbook "$@" setup.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" test_handoff.yml \
  | tee "$OUTPUT_DIR/handoff.log"
grep -q "SNS Topic Name for GuardDuty: guardduty-s3-radiantsecurity" "$OUTPUT_DIR/handoff.log"
if grep -F -f "$OUTPUT_DIR/secret.txt" "$OUTPUT_DIR/handoff.log" "$OUTPUT_DIR/handoff.json" "$OUTPUT_DIR/handoff.yml" \
    "$OUTPUT_DIR/handoff-confirmed.json"; then
  echo "a secret reached the output or the handoff files" >&2
  exit 1
fi
