#!/usr/bin/env bash
# The whole onboarding (onboard.yml, as users run it) converges although AWS throttles and fails
# with 5xx errors: on a small organization at 20% throttling + 10% 5xx, zero failed hosts; the
# faults hit our modules and the reused amazon.aws/community.aws modules alike; then verify.yml,
# without faults, finds no drift. The 10% + 5% level runs in playbook_safety (its onboarding at
# -vvv); tests/benchmarks/faults_onboarding.py runs both levels with more seeds.
#   FAULTS_LEVELS="throttle:server_error:seed ..." overrides the levels.
set -euo pipefail
levels=${FAULTS_LEVELS:-"0.20:0.10:1"}
org=(-i "$OUTPUT_DIR/accounts.yml" -e radiant_external_id=rs-faults
     -e "radiant_policy_backup_dir=$OUTPUT_DIR/policy-backups" -e "radiant_handoff_file=$OUTPUT_DIR/handoff.json")
for level in $levels; do
  IFS=: read -r throttle server_error seed <<<"$level"
  echo "== onboarding under ${throttle} throttling + ${server_error} 5xx, seed ${seed}"
  ansible-playbook "$@" setup.yml
  ansible-playbook "$@" faults.yml -e "faults_throttle_rate=$throttle" -e "faults_server_error_rate=$server_error" \
    -e "faults_seed=$seed"
  ansible-playbook "$@" "${org[@]}" radiant.aws_onboarding.onboard | tee "$OUTPUT_DIR/onboard.log"
  if grep -E '^[a-z0-9-]+ +: ' "$OUTPUT_DIR/onboard.log" | grep -v 'failed=0'; then
    echo "a host failed under faults" >&2
    exit 1
  fi
  ansible-playbook "$@" check_faults.yml
done
echo "== verify.yml without faults: the last onboarding converged"
ansible-playbook "$@" "${org[@]}" radiant.aws_onboarding.verify
