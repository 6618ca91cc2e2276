#!/usr/bin/env bash
# Bad-input suite: every case of cases.yml runs onboard.yml against one sample organization and
# must fail with zero writes, naming the host/variable and field (bad_input.py says how).
set -euo pipefail
exec python bad_input.py cases.yml "$@"
