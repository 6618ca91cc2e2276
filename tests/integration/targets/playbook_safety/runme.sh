#!/usr/bin/env bash
# The playbooks as users run them, on a small sample organization (one member, two accounts outside
# it, one Region):
# 1. onboard.yml (under throttling and 5xx faults), verify.yml and offboard.yml at -vvv print no
#    secret key or session token of any role session the emulator issued (nor write one into the
#    handoff or the policy backups), and the onboarding converges;
# 2. Radiant's view of the onboarded organization, with IAM enforced by the emulator, before the
#    offboarding (files/play_radiant.py, from Radiant's own session with only what the handoff gives
#    it): assume the main role with the external ID (refused with a wrong or missing one), subscribe
#    a queue to both topics, receive the notifications of a GuardDuty finding and of CloudTrail log
#    files (organization trail, KMS-encrypted, and outside trails), get and decrypt them, read the
#    outside accounts' logs through the cross-account reader role, assume the API role in every
#    account; then it proves it can fail: without the findings topic's grant to S3
#    (AllowS3BucketToPublish) it must fail where the finding's notification is awaited. It shares
#    the onboarding of 1 (about 100 s of CPU) rather than making one of its own;
# 3. a run that leaves out a host a phase needs (--limit, a missing group, no groups, an empty
#    inventory, an AWX job slice) stops before any write, naming the host or group and why.
set -euo pipefail
ansible-playbook "$@" setup.yml
run_vars=(-e "@$OUTPUT_DIR/run_vars.yml")
logs=$OUTPUT_DIR/logs
mkdir -p "$logs"

radiant_view() {  # Radiant's steps (radiant_view.yml) on the onboarded organization
  ansible-playbook "$@" -i "$OUTPUT_DIR/accounts.yml" -e "@$OUTPUT_DIR/sample_org.yml" radiant_view.yml
}

echo "== onboard, verify, offboard at -vvv: no secret in the output"
# verify.yml runs under a --limit that names the groups (as an AWX job template's limit does): it
# holds every host the run needs (the outside accounts' hosts are not needed: batch modules reach
# them from the management account), so it runs and still checks the outside accounts.
# onboard.yml runs while AWS throttles 10% of the calls and fails 5% with a 5xx (seed 3): the
# retried and failed calls' messages must not print a secret either, and the onboarding must
# converge with zero failed hosts (the first fault level of docs/testing.md;
# tests/benchmarks/faults_onboarding.py, in make bench, runs it with more seeds, and 20% + 10%).
ansible-playbook "$@" faults.yml -e faults_throttle_rate=0.10 -e faults_server_error_rate=0.05 \
  -e faults_seed=3
for playbook in onboard verify offboard; do
  if [ "$playbook" = offboard ]; then
    echo "== Radiant's view of the onboarded organization"
    radiant_view "$@"
    topic=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["sns_topics"]["guardduty"])' \
      "$OUTPUT_DIR/radiant-handoff.json")
    python files/remove_topic_statement.py "$EMULATOR_URL" "$topic" AllowS3BucketToPublish
    if radiant_view "$@" >"$OUTPUT_DIR/weakened.log" 2>&1; then
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
  fi
  limit=()
  [ "$playbook" != verify ] || limit=(--limit "management_account,log_account")
  ansible-playbook -vvv -i "$OUTPUT_DIR/accounts.yml" "${run_vars[@]}" "${limit[@]}" "radiant.aws_onboarding.$playbook" \
    >"$logs/$playbook.log" 2>&1 || { tail -50 "$logs/$playbook.log"; echo "$playbook.yml failed; log: $logs/$playbook.log" >&2; exit 1; }
  if [ "$playbook" = onboard ]; then
    # Faults off again; they hit our modules and the reused ones. verify.yml then finds no drift.
    ansible-playbook "$@" check_faults.yml
  fi
done
# Role sessions in at least the log account (the radiant role) and the accounts outside the
# organization (opened inside the batch modules).
python files/find_secrets.py "$EMULATOR_URL" 2 "$logs/onboard.log" "$logs/verify.log" "$logs/offboard.log" \
  "$OUTPUT_DIR/radiant-handoff.json" "$OUTPUT_DIR/policy-backups"

refused() {  # refused CASE PLAYBOOK ARGS...: the run must fail; its output goes to $logs/CASE.log
  local case=$1 playbook=$2
  shift 2
  echo "== $case: $playbook.yml $*"
  if ansible-playbook "${run_vars[@]}" "$@" "radiant.aws_onboarding.$playbook" >"$logs/$case.log" 2>&1; then
    cat "$logs/$case.log"
    echo "$case: $playbook.yml succeeded; it should have refused to run" >&2
    exit 1
  fi
}

curl -fsS -X DELETE "$EMULATOR_URL/_emulator/requests" >/dev/null
refused limit_onboard onboard -i "$OUTPUT_DIR/accounts.yml" --limit management
refused limit_offboard offboard -i "$OUTPUT_DIR/accounts.yml" --limit management
refused limit_without_management verify -i "$OUTPUT_DIR/accounts.yml" --limit 'log-archive,member-0001'
refused no_management_group verify -i "$OUTPUT_DIR/no_management_group.yml"
refused ungrouped onboard -i "$OUTPUT_DIR/ungrouped.yml"
refused empty test_integration -i "$OUTPUT_DIR/empty.yml"
refused job_slice onboard -i "$OUTPUT_DIR/slice_1_of_2.yml"
ansible-playbook "$@" -e "logs=$logs" -e "@$OUTPUT_DIR/sample_org.yml" check_refusals.yml
