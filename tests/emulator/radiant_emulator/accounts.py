"""Facts about AWS accounts that AWS knows but no API of the emulated services sets.

An account's root email is fixed when the account is created. For accounts of the emulated
organization, Organizations knows it; for accounts outside the organization (docs/requirements.md#outside-accounts), the
sample organization registers it here (``PUT /_emulator/accounts/<id>`` with ``{"email"}``).
GuardDuty checks the email given to CreateMembers/InviteMembers against it.
"""

from __future__ import annotations

import re
import threading

_lock = threading.Lock()
_outside_emails: dict[str, str] = {}

ACCOUNT_ID = re.compile(r"^\d{12}$")


def register(account_id: str, email: str) -> None:
    if not ACCOUNT_ID.match(account_id):
        raise ValueError(f"account id must be 12 digits, got {account_id!r}")
    with _lock:
        _outside_emails[account_id] = email


def organization_account(account_id: str):
    """The Organizations account record (any organization in the emulator), or None."""
    from moto.organizations.models import organizations_backends

    for account_backends in organizations_backends.values():
        backend = account_backends.get("aws")
        if backend is None or backend.org is None:
            continue
        for account in backend.accounts:
            if account.id == account_id:
                return account
    return None


def root_email(account_id: str) -> str | None:
    account = organization_account(account_id)
    if account is not None:
        return account.email
    with _lock:
        return _outside_emails.get(account_id)


def reset() -> None:
    with _lock:
        _outside_emails.clear()


def control(method: str, route: str, body: dict) -> tuple[int, dict]:
    parts = route.strip("/").split("/")
    if method == "GET" and len(parts) == 1:
        with _lock:
            return 200, {"outside_accounts": dict(_outside_emails)}
    if method == "PUT" and len(parts) == 2 and body.get("email"):
        register(parts[1], body["email"])
        return 200, {"account_id": parts[1], "email": body["email"]}
    return 400, {"error": "use GET /_emulator/accounts or PUT /_emulator/accounts/<id> {\"email\": ...}"}
