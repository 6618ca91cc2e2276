#!/usr/bin/env bash
# guardduty_org on a sample organization (8 members in nested OUs, 1 suspended, 1 excluded,
# 2 outside accounts, 2 Regions): check mode, apply, idempotence, drift -> verify -> re-apply,
# a customer's existing detector adopted, offboard.
exec ../setup_emulator/files/role_lifecycle.sh --offboard-check guardduty_org_entry=offboard -- "$@"
