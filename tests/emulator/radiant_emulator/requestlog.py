"""Record every API request the emulator serves: account, region, service, operation, write.

Tests and benchmarks read the log over HTTP (``GET /_emulator/requests``) to count calls
and to prove that a run (check mode, idempotent re-run) made no writes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass

# Operations that change nothing although their names do not say "read".
_READ_ONLY_OPERATIONS = frozenset(
    {
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "SelectObjectContent",
        "SimulatePrincipalPolicy",
        "ValidateTemplate",
        "ReceiveMessage",
    }
)
_READ_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "Check", "BatchGet")


def is_write(operation: str) -> bool:
    """True when an operation can change state (anything not plainly a read)."""
    if not operation:
        return False
    if operation in _READ_ONLY_OPERATIONS:
        return False
    return not operation.startswith(_READ_PREFIXES)


@dataclass
class RequestRecord:
    seq: int
    time: float
    account: str
    region: str
    service: str
    operation: str
    write: bool
    status: int
    fault: str | None = None
    # Time the emulator spent serving the request: benchmarks tell its cost from the client's.
    seconds: float = 0.0


class RequestLog:
    """Thread-safe, resettable list of request records."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._seq = 0

    def add(self, **fields) -> RequestRecord:
        with self._lock:
            self._seq += 1
            record = RequestRecord(seq=self._seq, time=time.time(), **fields)
            self._records.append(record)
            return record

    def reset(self) -> None:
        with self._lock:
            self._records = []

    def records(self, since: int = 0) -> list[dict]:
        with self._lock:
            return [asdict(r) for r in self._records if r.seq > since]

    def summary(self, since: int = 0) -> dict:
        records = self.records(since)
        writes = [r for r in records if r["write"]]
        by_operation: dict[str, int] = {}
        seconds_by_operation: dict[str, float] = {}
        for r in records:
            key = f"{r['service']}:{r['operation']}"
            by_operation[key] = by_operation.get(key, 0) + 1
            seconds_by_operation[key] = seconds_by_operation.get(key, 0.0) + r["seconds"]
        return {
            "total": len(records),
            "reads": len(records) - len(writes),
            "writes": len(writes),
            "by_operation": dict(sorted(by_operation.items())),
            "write_operations": sorted({f"{r['service']}:{r['operation']}" for r in writes}),
            "seconds": round(sum(r["seconds"] for r in records), 3),
            "seconds_by_operation": {key: round(value, 3) for key, value in sorted(seconds_by_operation.items())},
        }
