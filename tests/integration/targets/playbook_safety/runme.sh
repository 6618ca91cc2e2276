#!/usr/bin/env bash
# The playbooks as users run them, on a small sample organization:
# 1. onboard.yml, verify.yml and offboard.yml at -vvv print no secret key or session token of
#    any role session the emulator issued (nor write one into the handoff or the policy backups);
# 2. a run that leaves out a host a phase needs (--limit, a missing group, no groups, an empty
#    inventory, an AWX job slice) stops before any write, naming the host or group and why.
set -euo pipefail
ansible-playbook "$@" setup.yml
run_vars=(-e "@$OUTPUT_DIR/run_vars.yml")
logs=$OUTPUT_DIR/logs
mkdir -p "$logs"

echo "== onboard, verify, offboard at -vvv: no secret in the output"
# verify.yml runs under a --limit that names the groups (as an AWX job template's limit does): it
# holds every host the run needs, so it runs.
for playbook in onboard verify offboard; do
  limit=()
  [ "$playbook" != verify ] || limit=(--limit management_account,log_account,outside_accounts)
  ansible-playbook -vvv -i "$OUTPUT_DIR/accounts.yml" "${run_vars[@]}" "${limit[@]}" "radiant.aws_onboarding.$playbook" \
    >"$logs/$playbook.log" 2>&1 || { tail -50 "$logs/$playbook.log"; echo "$playbook.yml failed; log: $logs/$playbook.log" >&2; exit 1; }
done
# Role sessions in at least the log account and the account outside the organization.
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
refused limit_groups_without_outside onboard -i "$OUTPUT_DIR/accounts.yml" --limit management_account,log_account
refused limit_without_management verify -i "$OUTPUT_DIR/accounts.yml" --limit 'log-archive,member-0001'
refused no_management_group verify -i "$OUTPUT_DIR/no_management_group.yml"
refused ungrouped onboard -i "$OUTPUT_DIR/ungrouped.yml"
refused empty test_integration -i "$OUTPUT_DIR/empty.yml"
refused job_slice onboard -i "$OUTPUT_DIR/slice_1_of_2.yml"
ansible-playbook "$@" -e "logs=$logs" -e "@$OUTPUT_DIR/sample_org.yml" check_refusals.yml
