"""Print, as JSON, Radiant's IAM roles in every account, read with boto3 outside any module.

Usage: iam_state.py ENDPOINT ACCOUNT[,ACCOUNT...]   (credentials act as the management account;
other accounts are reached through OrganizationAccountAccessRole)
"""

import json
import sys
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "setup_emulator" / "files"))
from account_session import account_session  # noqa: E402


def iam_for(endpoint, account_id, management):
    session = account_session(endpoint, account_id, management)
    return session.client("iam", endpoint_url=endpoint, region_name="us-east-1")


def role(iam, name):
    try:
        found = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return None
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    inline = iam.list_role_policies(RoleName=name)["PolicyNames"]
    documents = {}
    for policy in attached:
        meta = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]
        version = iam.get_policy_version(PolicyArn=policy["PolicyArn"], VersionId=meta["DefaultVersionId"])
        documents[policy["PolicyName"]] = version["PolicyVersion"]["Document"]
    for policy in inline:
        documents[policy] = iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
    return {"trust": found["AssumeRolePolicyDocument"], "policies": documents}


def main():
    endpoint, accounts = sys.argv[1], sys.argv[2].split(",")
    management = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1").get_caller_identity()["Account"]
    state = {}
    for account in accounts:
        iam = iam_for(endpoint, account, management)
        state[account] = {"main": role(iam, "radiant-aws-access-role"), "api": role(iam, "radiant-aws-api-access-role")}
    cfn = boto3.client("cloudformation", endpoint_url=endpoint, region_name="us-east-1")
    try:
        instances = cfn.list_stack_instances(StackSetName="radiant-aws-api-access-role")["Summaries"]
        state["stack_instances"] = sorted({(i["Account"], i["Region"]) for i in instances})
    except cfn.exceptions.StackSetNotFoundException:
        state["stack_instances"] = None
    print(json.dumps(state))


if __name__ == "__main__":
    main()
