"""Time 'radiant-emulator sample-org' building a 1,000-member organization (issue 2: well
under a minute, since benchmarks build organizations of this size).

Starts a fresh emulator, runs the documented command, checks every account exists, and
reports wall and CPU time (client + emulator). Fails at or above --limit seconds of wall time.

    .venv/bin/python tests/benchmarks/sample_org_1000.py [--members N] [--limit SECONDS]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import boto3
from radiant_emulator.process import EmulatorProcess


def _process_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=60.0)
    args = parser.parse_args()
    with EmulatorProcess() as emulator, tempfile.TemporaryDirectory() as workdir:
        emulator_pid = emulator._proc.pid  # noqa: SLF001 - measuring the process we started
        emulator_cpu = _process_cpu_seconds(emulator_pid)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "radiant_emulator", "sample-org", "--endpoint", emulator.url,
             "--members", str(args.members), "--suspended", "1", "--outside", "2",
             "--inventory", os.path.join(workdir, "accounts.yml")],
            check=True, capture_output=True, text=True,
        )
        wall = time.monotonic() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = children.ru_utime + children.ru_stime + _process_cpu_seconds(emulator_pid) - emulator_cpu
        organizations = boto3.client("organizations", endpoint_url=emulator.url, region_name="us-east-1",
                                     aws_access_key_id="testing", aws_secret_access_key="testing")
        listed = sum(len(page["Accounts"]) for page in organizations.get_paginator("list_accounts").paginate())
    print(f"sample-org with {args.members} members: {wall:.1f} s wall, {cpu:.1f} s CPU (client + emulator), "
          f"{listed} accounts listed")
    if listed != args.members + 3:
        print(f"FAIL: expected {args.members + 3} accounts, Organizations lists {listed}")
        return 1
    if wall >= args.limit:
        print(f"FAIL: {wall:.1f} s is not under {args.limit:.0f} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
