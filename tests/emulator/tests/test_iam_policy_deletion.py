"""DeletePolicy refuses a policy still attached or with other versions, as IAM does (DeleteConflict, 409)."""

import json

import pytest
from botocore.exceptions import ClientError

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                               "Resource": "*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                            "Principal": {"Service": "ec2.amazonaws.com"}}]})


def _conflict(call, text):
    with pytest.raises(ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == "DeleteConflict"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert raised.value.response["Error"]["Message"] == text


def test_a_policy_is_deleted_only_once_detached_and_down_to_its_default_version(aws):
    iam = aws("iam")
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOCUMENT, SetAsDefault=True)
    _conflict(lambda: iam.delete_policy(PolicyArn=arn), "Cannot delete a policy attached to entities.")
    iam.detach_role_policy(RoleName="r", PolicyArn=arn)
    _conflict(lambda: iam.delete_policy(PolicyArn=arn),
              "This policy has more than one version. Before you delete a policy, you must delete the policy's "
              "versions. The default version is deleted with the policy.")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy(PolicyArn=arn)
    assert [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]] == []
