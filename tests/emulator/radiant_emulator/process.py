"""Start and stop an emulator in a child process: for test fixtures, scripts and the demo."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

READY_PREFIX = "radiant-emulator ready "


class EmulatorProcess:
    """``with EmulatorProcess() as emu: emu.url`` runs ``radiant-emulator serve`` meanwhile."""

    def __init__(self, port: int = 0, timeout: float = 60.0, log_path: str | None = None):
        self.port = port
        self.timeout = timeout
        self.log_path = log_path
        self.url: str | None = None
        self._proc: subprocess.Popen | None = None
        self._log = None

    def start(self) -> str:
        self._log = open(self.log_path or os.devnull, "ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "radiant_emulator", "serve", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        deadline = time.monotonic() + self.timeout
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith(READY_PREFIX) or time.monotonic() > deadline:
            self.stop()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = line[len(READY_PREFIX):].strip()
        return self.url

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> EmulatorProcess:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- control API helpers -------------------------------------------------------------
    def control(self, method: str, route: str, payload: dict | None = None) -> dict:
        return control(self.url, method, route, payload)


def control(url: str, method: str, route: str, payload: dict | None = None) -> dict:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        f"{url.rstrip('/')}/_emulator/{route.lstrip('/')}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")
