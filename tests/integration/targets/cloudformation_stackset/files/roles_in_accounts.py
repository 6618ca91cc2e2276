"""Print, as JSON, which of the given accounts hold an IAM role, and its trust policy's ExternalId.

Usage: roles_in_accounts.py ENDPOINT_URL ROLE_NAME ACCOUNT_ID...  (management credentials in
AWS_ACCESS_KEY_ID/...). Each member account is reached the way our tooling reaches it:
sts:AssumeRole into its OrganizationAccountAccessRole, then iam:GetRole with the temporary
credentials; the management account (the caller) is read directly.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "setup_emulator" / "files"))
from account_session import account_session  # noqa: E402


def iam_client(endpoint, account):
    return account_session(endpoint, account).client("iam", endpoint_url=endpoint, region_name="us-east-1")


def role_external_id(endpoint, account, role_name):
    iam = iam_client(endpoint, account)
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return None
    if not role["Arn"].startswith(f"arn:aws:iam::{account}:"):
        raise SystemExit(f"role {role['Arn']} is not in account {account}")
    document = role["AssumeRolePolicyDocument"]
    if isinstance(document, str):
        document = json.loads(document)
    return document["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"]


if __name__ == "__main__":
    endpoint, role_name, accounts = sys.argv[1], sys.argv[2], sys.argv[3:]
    json.dump({account: role_external_id(endpoint, account, role_name) for account in accounts}, sys.stdout)
