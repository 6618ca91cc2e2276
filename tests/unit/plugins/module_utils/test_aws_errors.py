"""AWS's error fields of a botocore error (plugins/module_utils/aws_errors.py)."""

from botocore.exceptions import ClientError

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import aws_errors


def test_error_code_of_anything():
    assert aws_errors.error_code(ClientError({"Error": {"Code": "NoSuchBucket"}}, "GetBucketPolicy")) == "NoSuchBucket"
    assert aws_errors.error_code(ValueError("no response")) == ""


def test_error_message_of_anything():
    error = ClientError({"Error": {"Code": "ValidationError", "Message": "no organizations access"}}, "CreateStackSet")
    assert aws_errors.error_message(error) == "no organizations access"
    assert aws_errors.error_message(ValueError("no response")) == ""
    # HeadBucket has no body: botocore puts the HTTP status where the code goes, always as text.
    assert aws_errors.error_code(ClientError({"Error": {"Code": 404}}, "HeadBucket")) == "404"
