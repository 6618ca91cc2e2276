#!/usr/bin/env bash
# org_trail on a sample organization: check mode, apply, idempotence (zero writes), verify,
# drift (logging stopped, bucket statement edited, topic statement removed) reported and
# corrected, customer statements in the bucket, key and topic policies kept, offboard, and
# a new bucket created from scratch.
set -euo pipefail
ansible-playbook "$@" setup.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" test_org_trail.yml
