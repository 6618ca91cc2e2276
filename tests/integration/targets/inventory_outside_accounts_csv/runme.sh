#!/usr/bin/env bash
# The outside-accounts CSV plugin combined with a static YAML inventory, end to end, and a
# bad CSV failing with the line number and field.
set -euo pipefail
ansible-playbook "$@" setup.yml
# Two sources side by side (a directory would also try to parse the CSV itself as an inventory).
ansible-playbook "$@" -i "$OUTPUT_DIR/combined/accounts.yml" -i "$OUTPUT_DIR/combined/outside_accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" test_combined.yml

set +e
ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true ansible-inventory -i "$OUTPUT_DIR/bad/outside_accounts.yml" --list >"$OUTPUT_DIR/bad.out" 2>&1
status=$?
set -e
cat "$OUTPUT_DIR/bad.out"
[ "$status" -ne 0 ] || { echo "a bad CSV was accepted" >&2; exit 1; }
grep -q "outside_accounts.csv line 3: Account ID must be a 12-digit account id, got '99000000002'" "$OUTPUT_DIR/bad.out"
grep -q "outside_accounts.csv line 4: Email 'nobody' is not a valid email address" "$OUTPUT_DIR/bad.out"
