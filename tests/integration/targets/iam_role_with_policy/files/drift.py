"""Drift behind the module's back: the member's role trusts someone else and gets a customer policy; the
management account's policy gets another default document (two versions).

Usage: drift.py ENDPOINT MANAGEMENT MEMBER ROLE POLICY
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "setup_emulator" / "files"))
from account_session import account_session  # noqa: E402

endpoint, management, member, role_name, policy_name = sys.argv[1:6]
member_iam = account_session(endpoint, member, management).client("iam", endpoint_url=endpoint, region_name="us-east-1")
trust = member_iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = "someone-else"
member_iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=json.dumps(trust))
customer = member_iam.create_policy(PolicyName="customer-extra", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeRegions", "Resource": "*"}]}))
member_iam.attach_role_policy(RoleName=role_name, PolicyArn=customer["Policy"]["Arn"])
management_session = account_session(endpoint, management, management)
management_iam = management_session.client("iam", endpoint_url=endpoint, region_name="us-east-1")
management_iam.create_policy_version(
    PolicyArn="arn:aws:iam::{0}:policy/{1}".format(management, policy_name), SetAsDefault=True,
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                                       "Resource": "*"}]}))
