#!/usr/bin/env bash
# sns_wiring on a sample organization: a clear failure without the findings bucket, check
# mode, apply, idempotence (zero writes), verify, drift (notification removed, topic
# statement edited) reported and corrected, an S3 event delivered to a subscriber queue,
# the customer's own notification kept through apply and offboard, and a bucket that also
# sends its events to EventBridge never rewritten (apply and offboard stop, writing nothing).
set -euo pipefail
ansible-playbook "$@" setup.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" test_sns_wiring.yml
