"""Build and serve the emulator: moto's WSGI application, our extensions, and a control API.

The control API lives under ``/_emulator/``:

- ``GET /_emulator/health``: liveness.
- ``GET /_emulator/requests[?since=SEQ]``: request records plus a summary (reads, writes).
- ``DELETE /_emulator/requests``: clear the request log.
- ``GET|PUT|DELETE /_emulator/faults``: fault injection (see ``faults.py``).
- ``GET|PUT /_emulator/realism``: latency and AWS's asynchrony (see ``realism.py``).
- ``GET /_emulator/credentials``: every role session STS issued since the last reset, with its
  secret key and session token (tests search output for them).
- ``POST /_emulator/reset``: forget every AWS resource (moto's reset) and clear the log.
- ``POST /_emulator/role-sessions``: credentials of a role session outside the customer's
  accounts, e.g. Radiant's tenant role (see ``sessions.py``).
- ``POST /_emulator/cloudtrail/deliver``: a trail delivers one log file (see
  ``extensions/cloudtrail.py``).
"""

from __future__ import annotations

import functools
import io
import json
import os
import signal
import sys
import threading
import time
from urllib.parse import parse_qs

from . import accounts, realism
from .faults import FaultInjector, error_response
from .requestlog import RequestLog, is_write

CONTROL_PREFIX = "/_emulator/"
OPERATION_ENVIRON_KEY = "radiant_emulator.operation"


class RequestIdentity:
    """Account, region, service and operation of one AWS request, read from the wire."""

    def __init__(self, account: str, region: str, service: str, operation: str, protocol: str):
        self.account = account
        self.region = region
        self.service = service
        self.operation = operation
        self.protocol = protocol


def _credential_scope(environ: dict) -> tuple[str | None, str | None, str | None]:
    """(access key, region, service) from a SigV4 Authorization header."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    try:
        credential = auth.split("Credential=", 1)[1].split(",", 1)[0]
        access_key, _date, region, service, _terminator = credential.split("/")
        return access_key, region, service
    except (IndexError, ValueError):
        return None, None, None


def _service_model(service: str):
    from moto.core.utils import get_service_model

    try:
        return get_service_model(service)
    except Exception:  # unknown to botocore: not an AWS call we can classify
        return None


def identify(environ: dict, body: bytes) -> RequestIdentity:
    from moto.iam.models import get_account_id_from

    access_key, region, service = _credential_scope(environ)
    service = (service or "unknown").lower()
    account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or (
        get_account_id_from(access_key) if access_key else "unknown"
    )
    model = _service_model(service)
    protocol = model.protocol if model is not None else "unknown"
    operation = ""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        operation = target.split(".")[-1]
    elif protocol in ("query", "ec2"):
        form = parse_qs(body.decode("utf-8", "replace")) if body else {}
        query = parse_qs(environ.get("QUERY_STRING", ""))
        operation = (form.get("Action") or query.get("Action") or [""])[0]
    elif model is not None:
        operation = _match_rest_operation(service, environ, body)
    return RequestIdentity(account, region or "unknown", service, operation, protocol)


def _match_rest_operation(service: str, environ: dict, body: bytes) -> str:
    from moto.core.request import Request
    from moto.core.routing import get_service_router

    probe = dict(environ)
    probe["wsgi.input"] = io.BytesIO(body)
    try:
        operation, _params = get_service_router(service).match(Request(probe))
        return operation.name
    except Exception:
        return ""


@functools.lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Every Region of every partition in botocore's endpoint data. AWS has no endpoint for any
    other name: a client set to one cannot resolve its host name (botocore's EndpointConnectionError),
    and a request signed for it that reaches an AWS endpoint is refused with 403
    SignatureDoesNotMatch (query/XML services) or InvalidSignatureException (JSON services),
    "Credential should be scoped to a valid region, not '<name>'." - aws/aws-sdk-ruby#508,
    aws/aws-sdk-js#4545, JuliaCloud/AWS.jl#565. The emulator answers the latter (the client reaches
    it through endpoint_url, so the former cannot happen)."""
    from botocore.loaders import create_loader

    partitions = create_loader().load_data("endpoints")["partitions"]
    return frozenset(region for partition in partitions for region in partition["regions"])


class EmulatorApp:
    """WSGI middleware in front of moto: control API, fault injection, request log."""

    def __init__(self, moto_app) -> None:
        self.moto_app = moto_app
        self.log = RequestLog()
        self.faults = FaultInjector()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, path[len(CONTROL_PREFIX):])

        body = b""
        length = environ.get("CONTENT_LENGTH")
        if length:
            body = environ["wsgi.input"].read(int(length))
            environ["wsgi.input"] = io.BytesIO(body)
        ident = identify(environ, body)
        write = is_write(ident.operation)
        latency = realism.current().seconds("latency_ms") / 1000.0
        if latency:
            time.sleep(latency)
        # Extensions that act by operation (S3 ownership) read it rather than route again.
        environ[OPERATION_ENVIRON_KEY] = ident.operation

        fault = self.faults.pick(ident.service, ident.operation)
        if ident.region not in ("unknown", "") and ident.region not in known_regions():
            fault = "invalid_region"
        if fault:
            status, headers, payload = error_response(fault, ident.protocol, ident.region)
            self.log.add(
                account=ident.account, region=ident.region, service=ident.service,
                operation=ident.operation, write=write, status=status, fault=fault,
            )
            start_response(f"{status} Fault", headers)
            return [payload]

        captured = {}

        def _start_response(status, headers, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        started = time.perf_counter()
        result = self.moto_app(environ, _start_response)
        self.log.add(
            account=ident.account, region=ident.region, service=ident.service,
            operation=ident.operation, write=write, status=captured.get("status", 0),
            seconds=time.perf_counter() - started,
        )
        return result

    # -- control API -------------------------------------------------------------------
    def _control(self, environ, start_response, route: str):
        method = environ.get("REQUEST_METHOD", "GET")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            if route == "health":
                return _json(start_response, 200, {"status": "ok"})
            if route in ("requests", "requests/summary"):
                if method == "DELETE":
                    self.log.reset()
                    return _json(start_response, 200, {"status": "cleared"})
                since = int((query.get("since") or ["0"])[0])
                if route == "requests/summary":
                    return _json(start_response, 200, self.log.summary(since))
                return _json(
                    start_response, 200,
                    {"records": self.log.records(since), "summary": self.log.summary(since)},
                )
            if route == "faults":
                if method == "PUT":
                    self.faults.configure(_read_json(environ))
                elif method == "DELETE":
                    self.faults.clear()
                return _json(start_response, 200, self.faults.state())
            if route == "realism":
                if method == "PUT":
                    return _json(start_response, 200, realism.configure(_read_json(environ)))
                return _json(start_response, 200, realism.state())
            if route.startswith("accounts"):
                status, payload = accounts.control(method, route, _read_json(environ))
                return _json(start_response, status, payload)
            if route == "credentials" and method == "GET":
                from .extensions.assume_role import issued_credentials

                return _json(start_response, 200, {"credentials": issued_credentials()})
            if route.startswith("role-sessions"):
                from . import sessions

                status, payload = sessions.control(method, route, _read_json(environ))
                return _json(start_response, status, payload)
            if route.startswith("cloudtrail/"):
                from .extensions import cloudtrail

                status, payload = cloudtrail.control(method, route, _read_json(environ))
                return _json(start_response, status, payload)
            if route == "reset" and method == "POST":
                reset_state()
                self.log.reset()
                self.faults.clear()
                return _json(start_response, 200, {"status": "reset"})
        except ValueError as error:
            return _json(start_response, 400, {"error": str(error)})
        return _json(start_response, 404, {"error": f"no control route {method} /_emulator/{route}"})


def _read_json(environ) -> dict:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b"{}"
    return json.loads(raw or b"{}")


def _json(start_response, status: int, payload) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(f"{status} {'OK' if status < 400 else 'Error'}",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def reset_state() -> None:
    """Forget every resource in every account and region, ours and moto's."""
    from moto.moto_api import _internal

    from . import accounts
    from .extensions import reset_all

    _internal.moto_api_backend.reset()
    accounts.reset()
    reset_all()


def _list_moto_modules_once() -> None:
    """moto's dispatcher lists moto's package directory (a listdir and ~200 isdir calls) under its
    lock on every request to learn whether a host names a service; the directory does not change
    while the server runs, so list it once. Routing is unchanged; the listing took ~15% of the
    emulator's CPU in a 1,000-member GuardDuty re-run."""
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def build_app() -> EmulatorApp:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from .extensions import install_all

    install_all()
    _list_moto_modules_once()
    return EmulatorApp(DomainDispatcherApplication(create_backend_app))


class _QuietRequestHandler:
    """Mixin: no access log line per request (thousands per test run)."""

    def log_request(self, code="-", size="-"):
        pass


def serve(host: str = "127.0.0.1", port: int = 0, ready_stream=None, access_log: bool = False) -> None:
    """Serve until SIGTERM/SIGINT; print one ready line with the URL once listening."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    handler = MotoRequestHandler
    if not access_log:
        handler = type("QuietMotoRequestHandler", (_QuietRequestHandler, MotoRequestHandler), {})
    app = build_app()
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    url = f"http://{host}:{server.server_port}"
    # moto calls itself for a few cross-service deliveries; tell it where it lives.
    os.environ["MOTO_PORT"] = str(server.server_port)

    def _stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    stream = ready_stream or sys.stdout
    print(f"radiant-emulator ready {url}", file=stream, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
