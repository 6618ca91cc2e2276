"""Print, as JSON, each account's role and policy as IAM holds them, read with boto3 outside the module.

Usage: iam_state.py ENDPOINT ROLE POLICY ACCOUNT[,ACCOUNT...]   (credentials act as the management account;
other accounts are reached through OrganizationAccountAccessRole)
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "setup_emulator" / "files"))
from account_session import account_session, caller_account  # noqa: E402


def main():
    endpoint, role_name, policy_name, accounts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
    management = caller_account(endpoint)
    state = {}
    for account in accounts:
        session = account_session(endpoint, account, management)
        iam = session.client("iam", endpoint_url=endpoint, region_name="us-east-1")
        policy_arn = "arn:aws:iam::{0}:policy/{1}".format(account, policy_name)
        entry = {"role": None, "policy": None}
        try:
            role = iam.get_role(RoleName=role_name)["Role"]
            entry["role"] = {
                "path": role["Path"], "description": role.get("Description"), "trust": role["AssumeRolePolicyDocument"],
                "max_session_duration": role.get("MaxSessionDuration"),
                "attached": sorted(p["PolicyName"] for p in iam.list_attached_role_policies(
                    RoleName=role_name)["AttachedPolicies"]),
                "instance_profiles": len(iam.list_instance_profiles_for_role(RoleName=role_name)["InstanceProfiles"])}
        except iam.exceptions.NoSuchEntityException:
            pass
        try:
            policy = iam.get_policy(PolicyArn=policy_arn)["Policy"]
            entry["policy"] = {
                "path": policy["Path"], "description": policy.get("Description"),
                "versions": len(iam.list_policy_versions(PolicyArn=policy_arn)["Versions"]),
                "document": iam.get_policy_version(PolicyArn=policy_arn, VersionId=policy["DefaultVersionId"])[
                    "PolicyVersion"]["Document"]}
        except iam.exceptions.NoSuchEntityException:
            pass
        state[account] = entry
    print(json.dumps(state))


if __name__ == "__main__":
    main()
