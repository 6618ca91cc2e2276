"""A boto3 session acting as one account of the emulated organization, for test helper scripts.

The environment's credentials act as the management account. Another account is reached the
way the collection reaches it: sts:AssumeRole into its OrganizationAccountAccessRole.
Helpers in other targets import it with:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "setup_emulator" / "files"))
"""

import boto3

MEMBER_ROLE_NAME = "OrganizationAccountAccessRole"


def caller_account(endpoint):
    return boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1").get_caller_identity()["Account"]


def account_session(endpoint, account_id, caller=None, role_name=MEMBER_ROLE_NAME):
    """The caller's own session for its own account (pass ``caller`` to save a call), else an assumed role's."""
    caller = caller or caller_account(endpoint)
    if str(account_id) == caller:
        return boto3.Session()
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}",
                                  RoleSessionName="integration-test")["Credentials"]
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"])
