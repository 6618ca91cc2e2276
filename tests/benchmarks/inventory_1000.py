"""Time the aws_organization inventory plugin on a 1,000-account organization.

Starts a fresh emulator, builds the sample organization (1,000 members in nested OUs plus the
management, log and suspended accounts), then times ``ansible-inventory --list`` on a plugin
configuration and counts the API calls it made. Fails when it takes 10 s or more (issue 4's
bound), when a host is missing or when the plugin wrote anything.

    .venv/bin/python tests/benchmarks/inventory_1000.py [--members N] [--limit SECONDS]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from radiant_emulator.process import EmulatorProcess
from radiant_emulator.sample_org import SampleOrgSpec, build_sample_org

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=10.0, help="fail at or above this many seconds")
    args = parser.parse_args()

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"))
    with EmulatorProcess() as emulator, tempfile.TemporaryDirectory() as workdir:
        started = time.monotonic()
        org = build_sample_org(emulator.url, SampleOrgSpec(members=args.members, suspended=1, outside=0))
        print(f"sample organization with {args.members} members built in {time.monotonic() - started:.1f} s")
        config = os.path.join(workdir, "accounts.aws_organization.yml")
        with open(config, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "plugin": "radiant.aws_onboarding.aws_organization",
                    "endpoint_url": emulator.url,
                    "access_key": "testing",
                    "secret_key": "testing",
                    "log_account_id": org["log_account"]["id"],
                },
                handle,
            )
        emulator.control("DELETE", "requests")
        started = time.monotonic()
        listing = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", config, "--list"],
            env=env, check=True, capture_output=True, text=True,
        )
        elapsed = time.monotonic() - started
        summary = emulator.control("GET", "requests/summary")
        inventory = json.loads(listing.stdout)

    members = inventory.get("organization_members", {}).get("hosts", [])
    hosts = inventory["_meta"]["hostvars"]
    print(f"ansible-inventory --list: {elapsed:.2f} s for {len(hosts)} hosts "
          f"({len(members)} organization_members); {summary['total']} API calls, {summary['writes']} writes")
    print("calls by operation: " + json.dumps(summary.get("by_operation", {}), sort_keys=True))
    problems = []
    if len(members) != args.members:
        problems.append(f"expected {args.members} organization_members, got {len(members)}")
    if len(hosts) != args.members + 3:
        problems.append(f"expected {args.members + 3} hosts (members, management, log, suspended), got {len(hosts)}")
    if summary["writes"]:
        problems.append(f"the inventory made {summary['writes']} write calls")
    if elapsed >= args.limit:
        problems.append(f"took {elapsed:.2f} s, limit {args.limit} s")
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
