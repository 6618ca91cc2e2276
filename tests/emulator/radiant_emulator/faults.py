"""Seeded fault injection: throttling errors and 5xx at a given rate, per operation if wanted.

Switched over HTTP (``PUT /_emulator/faults``). Error bodies follow each service's protocol
so that botocore and amazon.aws's ``AWSRetry`` classify them exactly as they would AWS's.
Throttling codes: https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from dataclasses import dataclass


@dataclass
class FaultRule:
    kind: str  # "throttle" or "server_error"
    rate: float
    service: str | None = None
    operation: str | None = None

    def matches(self, service: str, operation: str) -> bool:
        return (self.service in (None, service)) and (self.operation in (None, operation))


class FaultInjector:
    KINDS = ("throttle", "server_error")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._seed: int | None = None
        self._random = random.Random(0)
        self.injected = 0

    def configure(self, config: dict) -> None:
        rules = []
        for raw in config.get("rules", []):
            kind = raw.get("kind", "throttle")
            if kind not in self.KINDS:
                raise ValueError(f"fault kind must be one of {self.KINDS}, got {kind!r}")
            rate = float(raw.get("rate", 1.0))
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"fault rate must be between 0 and 1, got {rate}")
            rules.append(FaultRule(kind, rate, raw.get("service"), raw.get("operation")))
        with self._lock:
            self._rules = rules
            self._seed = config.get("seed", 0)
            self._random = random.Random(self._seed)
            self.injected = 0

    def clear(self) -> None:
        self.configure({})

    def state(self) -> dict:
        with self._lock:
            return {
                "seed": self._seed,
                "injected": self.injected,
                "rules": [r.__dict__ for r in self._rules],
            }

    def pick(self, service: str, operation: str) -> str | None:
        """Return the fault kind to inject for this request, or None."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(service, operation) and self._random.random() < rule.rate:
                    self.injected += 1
                    return rule.kind
        return None


def error_response(kind: str, protocol: str, region: str = "") -> tuple[int, list[tuple[str, str]], bytes]:
    """An AWS-shaped error for the given protocol (json, rest-json, query, ec2, rest-xml)."""
    request_id = str(uuid.uuid4())
    if kind == "invalid_region":
        # What an AWS endpoint answers a request signed for a Region that does not exist (see
        # server.py, unknown Regions).
        status = 403
        code = "InvalidSignatureException" if protocol in ("json", "rest-json") else "SignatureDoesNotMatch"
        message = f"Credential should be scoped to a valid region, not '{region}'. "
    elif kind == "throttle":
        status = 400
        code = {"rest-xml": "SlowDown", "query": "Throttling", "ec2": "RequestLimitExceeded"}.get(
            protocol, "ThrottlingException"
        )
        message = "Rate exceeded"
        if protocol == "rest-xml":
            status = 503
            message = "Please reduce your request rate."
    else:
        status = 500
        code = {"rest-xml": "InternalError", "query": "InternalFailure", "ec2": "InternalError"}.get(
            protocol, "InternalServerErrorException"
        )
        message = "We encountered an internal error. Please try again."
    headers = [("x-amzn-RequestId", request_id)]
    if protocol in ("json", "rest-json"):
        headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
        body = json.dumps({"__type": code, "message": message}).encode()
    elif protocol == "rest-xml":
        headers.append(("Content-Type", "application/xml"))
        body = (
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
    elif protocol == "ec2":
        headers.append(("Content-Type", "text/xml"))
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
            f"</Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
    else:
        headers.append(("Content-Type", "text/xml"))
        body = (
            f"<ErrorResponse><Error><Type>{'Sender' if status < 500 else 'Receiver'}</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
    return status, headers, body
