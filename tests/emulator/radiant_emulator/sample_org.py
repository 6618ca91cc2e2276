"""Build a sample AWS Organization in a running emulator and write the matching inventory.

Shape: the management account (the caller), a log/security account, N members spread over
nested OUs (two and three levels deep), optional SUSPENDED accounts, and optional accounts
outside the organization whose root emails the emulator learns (docs/requirements.md#guardduty-by-invitation needs
them). Every call goes over HTTP through boto3, exactly as a user's tooling would.
"""

from __future__ import annotations

import csv
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import boto3
import yaml

MANAGEMENT_ACCOUNT_ID = "123456789012"  # moto's default account: the caller's credentials
ACCESS_ROLE = "OrganizationAccountAccessRole"
# (OU path, share of members) leaves of the OU tree; parents are created on the way.
MEMBER_OUS = ["Workloads/Prod/Web", "Workloads/Prod/Data", "Workloads/NonProd", "Sandbox"]
SECURITY_OU = "Security"
SUSPENDED_OU = "Suspended"


@dataclass
class SampleOrgSpec:
    members: int = 8
    suspended: int = 1
    outside: int = 2
    regions: list[str] = field(default_factory=lambda: ["us-east-1", "us-west-2"])
    company: str = "example"


def _client(endpoint: str, service: str, account_id: str | None = None):
    client = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    if account_id:
        # moto's way of acting as another account without credentials of that account.
        def _as_account(request, **_kwargs):
            request.headers["x-moto-account-id"] = account_id

        client.meta.events.register("before-sign.*.*", _as_account)
    return client


def _create_ou_tree(org, root_id: str, paths: list[str]) -> dict[str, str]:
    ou_ids: dict[str, str] = {"": root_id}
    for path in paths:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            sub = "/".join(parts[:depth])
            if sub in ou_ids:
                continue
            parent = ou_ids["/".join(parts[: depth - 1])]
            ou = org.create_organizational_unit(ParentId=parent, Name=parts[depth - 1])
            ou_ids[sub] = ou["OrganizationalUnit"]["Id"]
    return ou_ids


def _create_account(org, name: str, email: str, parent_id: str, root_id: str) -> dict:
    status = org.create_account(AccountName=name, Email=email)["CreateAccountStatus"]
    account_id = status["AccountId"]
    org.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=parent_id)
    return {"id": account_id, "name": name, "email": email}


def build_sample_org(endpoint: str, spec: SampleOrgSpec) -> dict:
    org = _client(endpoint, "organizations")
    organization = org.create_organization(FeatureSet="ALL")["Organization"]
    root_id = org.list_roots()["Roots"][0]["Id"]
    ou_ids = _create_ou_tree(org, root_id, [SECURITY_OU, SUSPENDED_OU, *MEMBER_OUS])
    domain = f"{spec.company}.test"

    log_account = _create_account(org, "log-archive", f"aws+log-archive@{domain}", ou_ids[SECURITY_OU], root_id)
    log_account["ou_path"] = SECURITY_OU

    def _member(index: int) -> dict:
        ou_path = MEMBER_OUS[index % len(MEMBER_OUS)]
        name = f"member-{index + 1:04d}"
        account = _create_account(org, name, f"aws+{name}@{domain}", ou_ids[ou_path], root_id)
        account["ou_path"] = ou_path
        return account

    # moto serves requests on threads; a few in flight keep 1,000 accounts well under a minute.
    with ThreadPoolExecutor(max_workers=4) as pool:
        members = list(pool.map(_member, range(spec.members)))

    suspended = []
    for index in range(spec.suspended):
        name = f"suspended-{index + 1:02d}"
        account = _create_account(org, name, f"aws+{name}@{domain}", ou_ids[SUSPENDED_OU], root_id)
        account["ou_path"] = SUSPENDED_OU
        org.close_account(AccountId=account["id"])
        suspended.append(account)

    outside = []
    for index in range(spec.outside):
        account_id = f"{990000000000 + index + 1:012d}"
        email = f"root+outside-{index + 1:02d}@partner{index + 1}.test"
        # The account exists on its own: give it the role our tooling assumes, and tell
        # the emulator its root email (AWS knows it; no API of ours sets it).
        iam = _client(endpoint, "iam", account_id)
        iam.create_role(
            RoleName=ACCESS_ROLE,
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT_ACCOUNT_ID}:root"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )
        # As Organizations gives its member accounts' access role (the emulator enforces IAM).
        iam.attach_role_policy(RoleName=ACCESS_ROLE, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        _register_email(endpoint, account_id, email)
        outside.append({"id": account_id, "name": f"outside-{index + 1:02d}", "email": email})

    return {
        "organization_id": organization["Id"],
        "root_id": root_id,
        "ou_ids": {path: ou_id for path, ou_id in ou_ids.items() if path},
        "management": {
            "id": MANAGEMENT_ACCOUNT_ID,
            "name": "management",
            "email": organization["MasterAccountEmail"],
        },
        "log_account": log_account,
        "members": members,
        "suspended": suspended,
        "outside": outside,
        "regions": spec.regions,
        "company": spec.company,
    }


def _register_email(endpoint: str, account_id: str, email: str) -> None:
    request = urllib.request.Request(
        f"{endpoint.rstrip('/')}/_emulator/accounts/{account_id}",
        data=json.dumps({"email": email}).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def _host(account: dict, **extra) -> tuple[str, dict]:
    host_vars = {
        "aws_account_id": account["id"],
        "aws_account_name": account["name"],
        "aws_account_email": account["email"],
    }
    if account.get("ou_path"):
        host_vars["aws_ou_path"] = account["ou_path"]
    host_vars.update(extra)
    return account["name"], host_vars


def inventory_document(org_info: dict, endpoint: str) -> dict:
    """The static YAML inventory: one host per account, groups by the account's job."""

    def group(accounts: list[dict]) -> dict:
        return {"hosts": dict(_host(a) for a in accounts)}

    return {
        "all": {
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "radiant_organization_id": org_info["organization_id"],
                "radiant_regions": org_info["regions"],
                "radiant_company_name": org_info["company"],
                "radiant_aws_endpoint_url": endpoint,
            },
            "children": {
                "management_account": group([org_info["management"]]),
                "log_account": group([org_info["log_account"]]),
                "organization_members": group(org_info["members"]),
                "suspended_accounts": group(org_info["suspended"]),
                "outside_accounts": group(org_info["outside"]),
            },
        }
    }


def write_inventory(org_info: dict, path: str, endpoint: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("# Written by 'radiant-emulator sample-org': a rehearsal organization.\n")
        yaml.safe_dump(inventory_document(org_info, endpoint), handle, sort_keys=False)


def write_outside_csv(org_info: dict, path: str) -> None:
    """The bulk-add format of docs/requirements.md#outside-accounts-csv: header 'Account ID,Email', one account per
    line."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Account ID", "Email"])
        for account in org_info["outside"]:
            writer.writerow([account["id"], account["email"]])
