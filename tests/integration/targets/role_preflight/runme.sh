#!/usr/bin/env bash
# preflight on a sample organization: a valid inventory passes with reads only; every
# broken inventory fails once, listing each problem by host (or variable) and field.
set -euo pipefail
ansible-playbook "$@" setup.yml
for case in static live caller; do
  ansible-playbook "$@" -i "$OUTPUT_DIR/$case/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" "test_$case.yml"
done
# In a playbook of its own: a second rescued any_errors_fatal failure in one playbook run ended it with rc 2.
ansible-playbook "$@" -i "$OUTPUT_DIR/live/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" test_partition.yml
for tags in preflight,guardduty:false preflight,findings_export:true; do
  ansible-playbook "$@" -i "$OUTPUT_DIR/live/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" --tags "${tags%:*}" \
    -e "expect_ownership_check=${tags#*:}" test_tags.yml
done
