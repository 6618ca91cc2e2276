"""How much of AWS's time the emulator reproduces: latency, asynchrony, propagation delays.

Real AWS answers in 30-100 ms, runs some operations in the background and propagates some
changes later (docs/emulator-fidelity.md cites the page behind each delay). Realism is on by
default with small delays, so every test meets the asynchrony; ``--realism off`` (or
``RADIANT_EMULATOR_REALISM=off``) is for debugging only. Set over HTTP too:
``GET|PUT /_emulator/realism`` with any of the fields below.
"""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass, fields


@dataclass
class Realism:
    enabled: bool = True
    # Added to every AWS request (not the control API): real round trips, for benchmarks.
    latency_ms: float = 0.0
    # GuardDuty UpdateOrganizationConfiguration ALL: existing accounts are enrolled this long
    # after the change ("It may take up to 24 hours", API reference), staggered across accounts.
    auto_enable_seconds: float = 2.0
    # CloudFormation StackSet operations run this long (RUNNING, then SUCCEEDED or FAILED); another
    # operation meanwhile is OperationInProgressException (API reference, StackSet operations).
    stackset_operation_seconds: float = 1.0
    # IAM is eventually consistent: a role created, or whose trust policy changed, through the API
    # cannot be assumed for this long (IAM User Guide, "Changes that I make are not always
    # immediately visible").
    iam_propagation_seconds: float = 1.0

    def seconds(self, name: str) -> float:
        """A delay in seconds (0 when realism is off)."""
        return float(getattr(self, name)) if self.enabled else 0.0


_LOCK = threading.Lock()
_ENV = {
    "enabled": "RADIANT_EMULATOR_REALISM",
    "latency_ms": "RADIANT_EMULATOR_LATENCY_MS",
    "auto_enable_seconds": "RADIANT_EMULATOR_AUTO_ENABLE_SECONDS",
    "stackset_operation_seconds": "RADIANT_EMULATOR_STACKSET_OPERATION_SECONDS",
    "iam_propagation_seconds": "RADIANT_EMULATOR_IAM_PROPAGATION_SECONDS",
}


def _parse(name: str, raw):
    if name == "enabled":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text not in ("on", "off", "true", "false", "1", "0"):
            raise ValueError(f"realism must be on or off, got {raw!r}")
        return text in ("on", "true", "1")
    value = float(raw)
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def from_environment(environ=None) -> Realism:
    environ = os.environ if environ is None else environ
    realism = Realism()
    for name, variable in _ENV.items():
        if environ.get(variable, "") != "":
            setattr(realism, name, _parse(name, environ[variable]))
    return realism


CURRENT = from_environment()


def current() -> Realism:
    return CURRENT


def configure(changes: dict) -> dict:
    known = {field.name for field in fields(Realism)}
    unknown = set(changes) - known
    if unknown:
        raise ValueError(f"unknown realism settings {sorted(unknown)}; known: {sorted(known)}")
    parsed = {name: _parse(name, value) for name, value in changes.items()}
    with _LOCK:
        for name, value in parsed.items():
            setattr(CURRENT, name, value)
        return asdict(CURRENT)


def state() -> dict:
    return asdict(CURRENT)
