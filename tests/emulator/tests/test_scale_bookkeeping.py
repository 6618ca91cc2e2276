"""The emulator's shortcuts for large organizations give the same answers as moto's slow paths:
the account behind an access key (remembered, account_lookup), a StackSet's template parsed
once for all its stacks (stacksets). ListMembers paging: test_guardduty_conformance."""

from __future__ import annotations

import json
import time

import boto3
from botocore.config import Config

OTHER_ACCOUNT = "111122223333"


def _with_keys(url: str, service: str, keys: dict):
    return boto3.client(
        service, region_name="us-east-1", endpoint_url=url,
        aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys.get("SessionToken"), config=Config(retries={"max_attempts": 1}),
    )


def test_access_keys_map_to_their_account_created_or_deleted_between_requests(aws, clean_emulator):
    # An unknown key acts as the default account; asking again answers the same.
    for _attempt in range(2):
        assert aws("sts").get_caller_identity()["Account"] == "123456789012"
    iam = aws("iam", account=OTHER_ACCOUNT)
    iam.create_user(UserName="bench")
    keys = iam.create_access_key(UserName="bench")["AccessKey"]
    for _attempt in range(2):
        assert _with_keys(clean_emulator.url, "sts", keys).get_caller_identity()["Account"] == OTHER_ACCOUNT
    # A deleted key belongs to no account any more: moto falls back to the default account.
    iam.delete_access_key(UserName="bench", AccessKeyId=keys["AccessKeyId"])
    assert _with_keys(clean_emulator.url, "sts", keys).get_caller_identity()["Account"] == "123456789012"
    # Temporary keys from AssumeRole act as the role's account, also after a reset forgot everything.
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="reach", AssumeRolePolicyDocument=json.dumps(trust))
    time.sleep(clean_emulator.control("GET", "realism")["iam_propagation_seconds"])  # IAM is eventually consistent
    session = aws("sts").assume_role(RoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/reach", RoleSessionName="bench")
    as_role = _with_keys(clean_emulator.url, "sts", session["Credentials"])
    assert as_role.get_caller_identity()["Account"] == OTHER_ACCOUNT
    clean_emulator.control("POST", "reset")
    assert as_role.get_caller_identity()["Account"] == "123456789012"


TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Suffix: {Type: String}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub 'parsed-once-${Suffix}'
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: []}
"""


def test_stacks_of_one_template_stay_independent(aws):
    # The template text is parsed once; each stack still resolves its own parameters.
    cloudformation = aws("cloudformation")
    for suffix in ("a", "b"):
        cloudformation.create_stack(StackName=f"parsed-{suffix}", TemplateBody=TEMPLATE,
                                    Parameters=[{"ParameterKey": "Suffix", "ParameterValue": suffix}],
                                    Capabilities=["CAPABILITY_NAMED_IAM"])
    roles = {role["RoleName"] for role in aws("iam").list_roles()["Roles"]}
    assert {"parsed-once-a", "parsed-once-b"} <= roles
    cloudformation.delete_stack(StackName="parsed-a")
    roles = {role["RoleName"] for role in aws("iam").list_roles()["Roles"]}
    assert "parsed-once-a" not in roles and "parsed-once-b" in roles
    body = cloudformation.get_template(StackName="parsed-b")["TemplateBody"]
    assert "parsed-once-${Suffix}" in body
