"""Print, as JSON, which of the given accounts hold an IAM role, and its trust policy's ExternalId.

Usage: roles_in_accounts.py ENDPOINT_URL ROLE_NAME ACCOUNT_ID...  (management credentials in
AWS_ACCESS_KEY_ID/...). Each member account is reached the way our tooling reaches it:
sts:AssumeRole into its OrganizationAccountAccessRole, then iam:GetRole with the temporary
credentials; the management account (the caller) is read directly.
"""

import json
import sys

import boto3


def iam_client(endpoint, account):
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1")
    if sts.get_caller_identity()["Account"] == account:
        return boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="stackset-check"
    )["Credentials"]
    return boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


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
