#!/usr/bin/env bash
# radiant_iam in direct mode (the molecule scenarios cover the StackSet) on a small organization
# (2 members, 1 excluded, 1 suspended, 2 outside the organization without credentials): check mode, apply, idempotence,
# drift -> verify -> re-apply, offboard.
exec ../setup_emulator/files/role_lifecycle.sh -- "$@"
