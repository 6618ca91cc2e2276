#!/usr/bin/env bash
# Radiant's view after onboarding, with IAM enforced by the emulator: onboard.yml on a tiny
# organization with two outside accounts (one Region), then Radiant's steps from its own session
# (files/play_radiant.py): assume the main role with the external ID (refused with a wrong or
# missing one), subscribe a queue to both topics, receive the notifications of a GuardDuty finding
# and of CloudTrail log files (organization trail and outside trails), get and decrypt them, read
# the outside accounts' logs through the cross-account reader role, assume the API role in every
# account. Fails at the first step that fails.
set -euo pipefail
ansible-playbook "$@" setup.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" -e @onboarding_vars.yml \
  radiant.aws_onboarding.onboard
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" radiant_view.yml
