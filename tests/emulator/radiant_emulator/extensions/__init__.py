"""Our additions to moto, installed in the same process before the server starts serving.

Each extension module exposes ``install()`` (idempotent) and may expose ``reset()`` for
state kept outside moto's backends. Add new modules to ``EXTENSIONS`` in order.
"""

from __future__ import annotations

import importlib

EXTENSIONS: list[str] = [
    "organizations",
    "guardduty",
    "cloudtrail",
    "stacksets",
    "s3_notifications",
    "s3_ownership",
    "s3_defaults",
    "account_regions",
    "assume_role",
    "iam_enforcement",
    "account_lookup",
    "kms_key_policy",
    "iam_policy_deletion",
]

_installed: set[str] = set()


def _modules():
    return [importlib.import_module(f"{__name__}.{name}") for name in EXTENSIONS]


def install_all() -> None:
    for name, module in zip(EXTENSIONS, _modules()):
        if name not in _installed:
            module.install()
            _installed.add(name)


def reset_all() -> None:
    for module in _modules():
        reset = getattr(module, "reset", None)
        if reset is not None:
            reset()
