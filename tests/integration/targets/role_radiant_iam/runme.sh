#!/usr/bin/env bash
# radiant_iam on a sample organization (8 members in nested OUs, 1 suspended, 1 excluded, 2 outside
# accounts): check mode, apply, idempotence, drift -> verify -> re-apply, offboard.
exec ../setup_emulator/files/role_lifecycle.sh -- "$@"
