"""Time the preflight's inventory-wide validation of 2,000 accounts (one task on one host
must stay cheap at this size). No network: it calls the action plugin's pure functions.

    .venv/bin/python tests/benchmarks/preflight_2000.py [--accounts N] [--limit SECONDS]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_AnsibleCollectionFinder(paths=[os.path.join(ROOT, "build", "collections")], scan_sys_paths=True)._install()

from ansible_collections.radiant.aws_onboarding.plugins.action import inventory_preflight as action  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--limit", type=float, default=1.0)
    args = parser.parse_args()
    groups = {"management_account": ["management"], "log_account": ["log"], "organization_members": []}
    hostvars = {"management": {"aws_account_id": "123456789012"}, "log": {"aws_account_id": "100000000000"}}
    for index in range(args.accounts):
        host = f"member-{index:04d}"
        groups["organization_members"].append(host)
        hostvars[host] = {"aws_account_id": str(200000000000 + index), "aws_account_email": host + "@example.test"}
    groups["all"] = ["management", "log", *groups["organization_members"]]
    started = time.monotonic()
    accounts = action.collect_accounts(groups["all"], hostvars, groups)
    problems, _resolved = action.iv.validate_inventory(accounts, {
        "regions": ["us-east-1"], "company_name": "acme",
        "bucket_names": {"radiant_findings_bucket_name": "acme-guardduty-radiantsecurity"},
        "external_id": "rs-1234"})
    elapsed = time.monotonic() - started
    print(f"preflight validated {len(accounts)} accounts in {elapsed * 1000:.0f} ms ({len(problems)} problems)")
    if problems or elapsed >= args.limit:
        print(f"FAIL: problems={problems[:3]} elapsed={elapsed:.2f} s (limit {args.limit} s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
