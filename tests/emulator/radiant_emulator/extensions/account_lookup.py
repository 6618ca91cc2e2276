"""Find the account of a request's access key without walking every account's IAM backend.

moto 5.2.5 answers "which account does this access key belong to" (every request, for
credentials-based multi-account; moto.iam.models.get_account_id_from) by scanning the
access keys of every account it knows, and falls back to the default account when none
holds the key. With a 1,000-account organization that is thousands of dictionary
probes on each request, the largest per-request cost of the emulator at that size.

Same answers, remembered: a key found in an account is checked there first (still one
probe, so a deleted key or a reset is noticed), and a key found nowhere stays "nowhere"
until moto creates another access key (create_access_key / create_temp_access_key, which
count a generation). Not AWS behaviour to emulate: only the emulator's own bookkeeping.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_found: dict[str, str] = {}  # access key -> account that held it
_missing: set[str] = set()  # access keys held by no account at generation _missing_generation
_state = {"generation": 0, "missing_generation": 0}


def _bump_generation(method):
    def created(self, *args, **kwargs):
        key = method(self, *args, **kwargs)
        with _lock:
            _state["generation"] += 1
        return key

    created.__wrapped__ = method
    return created


def install() -> None:
    from moto.iam import models
    from moto.iam.models import IAMBackend

    scan = models.get_account_id_from
    default_account = models.DEFAULT_ACCOUNT_ID

    def holds(account_id: str, access_key: str) -> bool:
        account = models.iam_backends.get(account_id)
        return account is not None and any(
            access_key in account[partition].access_keys for partition in models.PARTITION_NAMES
            if partition in account
        )

    def get_account_id_from(access_key: str) -> str:
        with _lock:
            account_id = _found.get(access_key)
            generation = _state["generation"]
            known_missing = access_key in _missing and _state["missing_generation"] == generation
        if account_id is not None and holds(account_id, access_key):
            return account_id
        if known_missing:
            return default_account
        account_id = scan(access_key)
        with _lock:
            if account_id != default_account or holds(default_account, access_key):
                _found[access_key] = account_id
            else:
                if _state["missing_generation"] != generation:
                    _missing.clear()
                    _state["missing_generation"] = generation
                _missing.add(access_key)
        return account_id

    get_account_id_from.__wrapped__ = scan
    models.get_account_id_from = get_account_id_from
    for name in ("create_access_key", "create_temp_access_key"):
        setattr(IAMBackend, name, _bump_generation(getattr(IAMBackend, name)))


def reset() -> None:
    with _lock:
        _found.clear()
        _missing.clear()
        _state["generation"] += 1
