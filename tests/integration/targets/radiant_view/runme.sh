#!/usr/bin/env bash
# Radiant's view after onboarding, with IAM enforced by the emulator: onboard.yml on a tiny
# organization with two outside accounts (one Region), then Radiant's steps from its own session
# (files/play_radiant.py): assume the main role with the external ID (refused with a wrong or
# missing one), subscribe a queue to both topics, receive the notifications of a GuardDuty finding
# and of CloudTrail log files (organization trail and outside trails), get and decrypt them, read
# the outside accounts' logs through the cross-account reader role, assume the API role in every
# account. Fails at the first step that fails.
# Then the test proves it can fail: with the findings topic's grant to S3 removed
# (AllowS3BucketToPublish), Radiant's steps must fail where the finding's notification is awaited.
set -euo pipefail
ansible-playbook "$@" setup.yml
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" -e @onboarding_vars.yml \
  radiant.aws_onboarding.onboard
ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" radiant_view.yml

topic=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["sns_topics"]["guardduty"])' \
  "$OUTPUT_DIR/radiant-handoff.json")
python files/remove_topic_statement.py "$EMULATOR_URL" "$topic" AllowS3BucketToPublish
if ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" radiant_view.yml \
  >"$OUTPUT_DIR/weakened.log" 2>&1; then
  cat "$OUTPUT_DIR/weakened.log"
  echo "Radiant's view passed without the findings topic's grant to S3: the test proves nothing" >&2
  exit 1
fi
if ! grep -q "FAILED: the queue receives the finding's and every log file's notification: missing \['guardduty'\]" \
  "$OUTPUT_DIR/weakened.log"; then
  cat "$OUTPUT_DIR/weakened.log"
  echo "Radiant's view failed, but not where the finding's notification is awaited" >&2
  exit 1
fi
echo "without AllowS3BucketToPublish Radiant's view fails where the finding's notification is awaited"
