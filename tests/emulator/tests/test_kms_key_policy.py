"""KMS key policies with Statement as a single object (IAM policy grammar) work like a one-element list."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def _key_with(kms, statement):
    policy = json.dumps({"Version": "2012-10-17", "Statement": statement}, separators=(",", ":"))
    key_id = kms.create_key(Policy=policy, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["KeyId"]
    return key_id, policy


def test_single_statement_object_is_accepted_and_returned_as_written(aws):
    kms = aws("kms")
    account = aws("sts").get_caller_identity()["Account"]
    key_id, policy = _key_with(kms, {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                                     "Action": "kms:*", "Resource": "*"})
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"] == key_id
    assert kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] == policy


def test_single_statement_object_is_evaluated(aws):
    """The single statement is not skipped: a Deny in it still denies, as in a list."""
    kms = aws("kms")
    deny = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:DescribeKey", "Resource": "*"}
    key_id = _key_with(kms, deny)[0]
    with pytest.raises(ClientError) as error:
        kms.describe_key(KeyId=key_id)
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
