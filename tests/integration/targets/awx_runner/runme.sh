#!/usr/bin/env bash
# onboard.yml and verify.yml run as AWX / Automation Controller runs a job template: through
# ansible-runner, each job in a private data directory (survey answers in env/extravars, the
# "Amazon Web Services" credential in env/envvars, the inventory), no PWD; the job events and
# artifacts are checked: clean, drift (made with boto3 behind the playbooks' back) and error.
set -euo pipefail
ansible-playbook "$@" setup.yml
python files/run_as_awx.py "$OUTPUT_DIR"
