#!/usr/bin/env bash
# cross_account_logging on a sample organization with two outside accounts, which get no host credentials
# (their trails are made in one task through their roles): check mode,
# apply (the source trail notifies the CloudTrail topic, the reader role trusts Radiant's session
# with the external ID), idempotence (zero writes), verify, drift (source trail stopped, reader
# trust opened to root) reported and corrected, the customer's bucket statement kept, offboard.
set -euo pipefail
ansible-playbook "$@" setup.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" test_cross_account_logging.yml
