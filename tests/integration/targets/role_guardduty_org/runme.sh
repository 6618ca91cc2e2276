#!/usr/bin/env bash
# guardduty_org on a small organization (3 members, 1 excluded, 1 suspended, 1 outside account,
# one Region; the molecule scenarios run 8 members in 2 Regions): check mode, apply, idempotence,
# drift -> verify -> re-apply, a customer's existing detector adopted, offboard.
exec ../setup_emulator/files/role_lifecycle.sh --offboard-check guardduty_org_entry=offboard -- "$@"
