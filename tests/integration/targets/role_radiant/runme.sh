#!/usr/bin/env bash
# The radiant role on a sample organization: who gets credentials, the module_defaults
# snippet, a role that cannot be assumed, and no secret in the output.
set -euo pipefail
ansible-playbook "$@" setup.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" test_credentials.yml -v | tee "$OUTPUT_DIR/credentials.log"
# The playbook saved the log account's temporary secret key; it must appear nowhere in the output.
if grep -F -f "$OUTPUT_DIR/secret.txt" "$OUTPUT_DIR/credentials.log"; then
  echo "a secret key was printed" >&2
  exit 1
fi
ansible-playbook "$@" -i "$OUTPUT_DIR/bad_role/accounts.yml" test_bad_role.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" test_management_role.yml
