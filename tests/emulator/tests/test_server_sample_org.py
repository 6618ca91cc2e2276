"""The sample-org command builds the documented organization and its inventory, fast.

Run as users run it (``python -m radiant_emulator sample-org``) against the session
emulator; the result is read back over HTTP with boto3, as any tool would see it.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import boto3
import yaml

MANAGEMENT = "123456789012"
ACCESS_ROLE = "OrganizationAccountAccessRole"


def _sample_org(url: str, tmp_path, members: int, suspended: int, outside: int, regions: str) -> dict:
    inventory = tmp_path / "accounts.yml"
    outside_csv = tmp_path / "outside.csv"
    subprocess.run(
        [sys.executable, "-m", "radiant_emulator", "sample-org", "--endpoint", url,
         "--members", str(members), "--suspended", str(suspended), "--outside", str(outside),
         "--regions", regions, "--company", "acme", "--inventory", str(inventory),
         "--outside-csv", str(outside_csv)],
        check=True, capture_output=True, text=True, timeout=120,
    )
    with open(inventory, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    with open(outside_csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return {"inventory": document, "csv": rows}


def _ou_tree(organizations) -> dict[str, tuple[str, int]]:
    """OU id -> (path, depth below the root)."""
    root = organizations.list_roots()["Roots"][0]["Id"]
    tree, pending = {}, [(root, "", 0)]
    while pending:
        parent, path, depth = pending.pop()
        for page in organizations.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
            for ou in page["OrganizationalUnits"]:
                ou_path = f"{path}/{ou['Name']}".lstrip("/")
                tree[ou["Id"]] = (ou_path, depth + 1)
                pending.append((ou["Id"], ou_path, depth + 1))
    return tree


def _host_ids(group: dict) -> list[str]:
    return [host["aws_account_id"] for host in (group.get("hosts") or {}).values()]


def test_sample_org_has_the_documented_shape(aws, clean_emulator, tmp_path):
    built = _sample_org(clean_emulator.url, tmp_path, members=10, suspended=2, outside=2,
                        regions="us-east-1,eu-west-1")
    document = built["inventory"]["all"]
    groups = document["children"]
    organizations = aws("organizations")
    accounts = {a["Id"]: a for p in organizations.get_paginator("list_accounts").paginate() for a in p["Accounts"]}
    tree = _ou_tree(organizations)

    # Inventory: one host per account, grouped by the account's job.
    assert set(groups) == {"management_account", "log_account", "organization_members",
                           "suspended_accounts", "outside_accounts"}
    assert _host_ids(groups["management_account"]) == [MANAGEMENT]
    members = _host_ids(groups["organization_members"])
    suspended = _host_ids(groups["suspended_accounts"])
    outside = _host_ids(groups["outside_accounts"])
    (log_account,) = _host_ids(groups["log_account"])
    assert (len(members), len(suspended), len(outside)) == (10, 2, 2)
    assert document["vars"]["ansible_connection"] == "local"
    assert document["vars"]["radiant_regions"] == ["us-east-1", "eu-west-1"]
    assert document["vars"]["radiant_organization_id"] == organizations.describe_organization()["Organization"]["Id"]
    assert document["vars"]["radiant_aws_endpoint_url"] == clean_emulator.url

    # Organizations agrees: management + log account + members + suspended, nothing else.
    assert set(accounts) == {MANAGEMENT, log_account, *members, *suspended}
    assert {accounts[a]["Status"] for a in suspended} == {"SUSPENDED"}
    assert {accounts[a]["Status"] for a in [MANAGEMENT, log_account, *members]} == {"ACTIVE"}

    # Members live in nested OUs, at least two levels below the root.
    assert max(depth for _path, depth in tree.values()) >= 2
    member_depths = []
    for host in groups["organization_members"]["hosts"].values():
        (parent,) = organizations.list_parents(ChildId=host["aws_account_id"])["Parents"]
        assert parent["Type"] == "ORGANIZATIONAL_UNIT"
        path, depth = tree[parent["Id"]]
        assert path == host["aws_ou_path"]
        member_depths.append(depth)
    assert max(member_depths) >= 2
    assert len({host["aws_ou_path"] for host in groups["organization_members"]["hosts"].values()}) >= 3

    # Outside accounts: not in the organization, root emails known to the emulator, the
    # access role present, and the accounts CSV of docs/requirements.md#outside-accounts-csv.
    registered = clean_emulator.control("GET", "accounts")["outside_accounts"]
    outside_hosts = groups["outside_accounts"]["hosts"].values()
    emails = {host["aws_account_id"]: host["aws_account_email"] for host in outside_hosts}
    assert not set(outside) & set(accounts)
    assert registered == emails
    assert built["csv"] == [["Account ID", "Email"], *([a, emails[a]] for a in outside)]
    for account in outside:
        role = aws("iam", account=account).get_role(RoleName=ACCESS_ROLE)["Role"]
        assert role["Arn"] == f"arn:aws:iam::{account}:role/{ACCESS_ROLE}"

    # Member accounts can be entered through the access role.
    credentials = aws("sts").assume_role(
        RoleArn=f"arn:aws:iam::{members[0]}:role/{ACCESS_ROLE}", RoleSessionName="sample-org-test"
    )["Credentials"]
    identity = boto3.client(
        "sts", endpoint_url=clean_emulator.url, region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    ).get_caller_identity()
    assert identity["Account"] == members[0]


def test_sample_org_builds_every_member_requested_at_scale(aws, clean_emulator, tmp_path):
    """Correctness at a size that exercises paging and the OU spread; its speed is measured by
    tests/benchmarks/sample_org_1000.py, not asserted here."""
    built = _sample_org(clean_emulator.url, tmp_path, members=250, suspended=1, outside=0, regions="us-east-1")
    members = _host_ids(built["inventory"]["all"]["children"]["organization_members"])
    assert len(members) == len(set(members)) == 250
    listed = sum(len(p["Accounts"]) for p in aws("organizations").get_paginator("list_accounts").paginate())
    assert listed == 250 + 3  # management, log account, suspended
