"""Print, as JSON, the sample organization the emulator holds and the jobs of its accounts.

Usage: organization_facts.py ENDPOINT_URL INVENTORY  (credentials: AWS_ACCESS_KEY_ID/...)
The organization (ids, OU paths, accounts and their status) is read from Organizations over
HTTP; which account does which job comes from the inventory 'sample-org' wrote.
"""

import json
import sys

import boto3
import yaml


def read_organization(endpoint: str) -> dict:
    org = boto3.client("organizations", endpoint_url=endpoint, region_name="us-east-1")
    organization = org.describe_organization()["Organization"]
    root_id = org.list_roots()["Roots"][0]["Id"]
    ou_ids = {}
    account_paths = {}
    pending = [(root_id, "")]
    while pending:
        parent_id, path = pending.pop()
        for page in org.get_paginator("list_accounts_for_parent").paginate(ParentId=parent_id):
            for account in page["Accounts"]:
                account_paths[account["Id"]] = path
        for page in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent_id):
            for ou in page["OrganizationalUnits"]:
                ou_path = f"{path}/{ou['Name']}" if path else ou["Name"]
                ou_ids[ou_path] = ou["Id"]
                pending.append((ou["Id"], ou_path))
    accounts = [
        {
            "id": account["Id"],
            "name": account["Name"],
            "email": account["Email"],
            "status": account["Status"],
            "ou_path": account_paths.get(account["Id"], ""),
        }
        for page in org.get_paginator("list_accounts").paginate()
        for account in page["Accounts"]
    ]
    return {"organization_id": organization["Id"], "root_id": root_id, "ou_ids": ou_ids, "accounts": accounts}


def account_jobs(inventory_path: str) -> dict:
    with open(inventory_path, encoding="utf-8") as handle:
        groups = yaml.safe_load(handle)["all"]["children"]

    def hosts(group: str) -> list[dict]:
        return list((groups.get(group) or {}).get("hosts", {}).values())

    return {
        "management_account_id": hosts("management_account")[0]["aws_account_id"],
        "log_account_id": hosts("log_account")[0]["aws_account_id"],
        "member_account_ids": [h["aws_account_id"] for h in hosts("organization_members")],
        "suspended_account_ids": [h["aws_account_id"] for h in hosts("suspended_accounts")],
        "outside_accounts": [
            {"id": h["aws_account_id"], "email": h["aws_account_email"]} for h in hosts("outside_accounts")
        ],
    }


if __name__ == "__main__":
    facts = read_organization(sys.argv[1])
    facts.update(account_jobs(sys.argv[2]))
    json.dump(facts, sys.stdout)
