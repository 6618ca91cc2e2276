#!/usr/bin/env bash
# org_trail on a sample organization: a missing bucket that may not be created stops it before any
# write; check mode, apply, idempotence (zero writes), verify,
# drift (logging stopped, bucket statement edited, topic statement removed) reported and
# corrected, customer statements in the bucket, key and topic policies kept, offboard, and
# the customer's key adopted by a second onboarding. The bucket is the customer's own
# (org_trail_bucket_create false), the key cloudtrail-log-encryption created by the role.
set -euo pipefail
ansible-playbook "$@" setup.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" test_org_trail.yml
