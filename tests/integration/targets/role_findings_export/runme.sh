#!/usr/bin/env bash
# findings_export on a sample organization with the customer's bucket and key (their own policy
# statements): check mode, apply, idempotence, drift -> verify -> re-apply, offboard keeping both.
exec ../setup_emulator/files/role_lifecycle.sh -- "$@"
