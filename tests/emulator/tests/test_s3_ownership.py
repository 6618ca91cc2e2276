"""Bucket ownership as S3 enforces it (extensions/s3_ownership.py): the bucket owner condition,
bucket policy operations only from the owner's account, other bucket writes from another
account only when the bucket policy allows them, CreateBucket of a taken name."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

OWNER = "111111111111"
SQUATTER = "222222222222"
BUCKET = "example-guardduty-radiantsecurity"
EMPTY_POLICY_STATEMENT = {"Sid": "Keep", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
                          "Resource": f"arn:aws:s3:::{BUCKET}"}
SSE = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
SSE_KMS = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
    "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/owner-key"}}]}
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}


def _error(call):
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def squatted(aws):
    """The bucket in SQUATTER's account; clients of both accounts."""
    squatter = aws("s3", account=SQUATTER)
    squatter.create_bucket(Bucket=BUCKET)
    return squatter, aws("s3", account=OWNER)


# -- bucket owner condition ---------------------------------------------------------------------
def test_head_bucket_with_the_owner_as_expected_owner_succeeds(squatted):
    squatter, _owner = squatted
    response = squatter.head_bucket(Bucket=BUCKET, ExpectedBucketOwner=SQUATTER)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_head_bucket_owned_by_another_account_is_403_and_a_free_name_404(squatted):
    _squatter, owner = squatted
    assert _error(lambda: owner.head_bucket(Bucket=BUCKET, ExpectedBucketOwner=OWNER)) == ("403", 403)
    assert _error(lambda: owner.head_bucket(Bucket="example-free-name", ExpectedBucketOwner=OWNER)) == ("404", 404)


@pytest.mark.parametrize("operation", ["put_bucket_policy", "put_bucket_encryption", "get_bucket_encryption",
                                       "put_object", "get_bucket_policy", "put_public_access_block"])
def test_expected_owner_mismatch_is_access_denied_even_for_the_owner(squatted, operation):
    squatter, _owner = squatted
    params = {
        "put_bucket_policy": {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [EMPTY_POLICY_STATEMENT]})},
        "put_bucket_encryption": {"ServerSideEncryptionConfiguration": SSE},
        "get_bucket_encryption": {},
        "put_object": {"Key": "finding.json", "Body": b"{}"},
        "get_bucket_policy": {},
        "put_public_access_block": {"PublicAccessBlockConfiguration": BLOCK_ALL},
    }[operation]
    call = getattr(squatter, operation)
    assert _error(lambda: call(Bucket=BUCKET, ExpectedBucketOwner=OWNER, **params)) == ("AccessDenied", 403)
    # Nothing was written: the squatter's own bucket has no policy and no object.
    assert squatter.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
    assert _error(lambda: squatter.get_bucket_policy(Bucket=BUCKET))[0] == "NoSuchBucketPolicy"


# -- writes by another account ------------------------------------------------------------------
@pytest.mark.parametrize("operation", ["put_bucket_policy", "delete_bucket_policy", "get_bucket_policy"])
def test_bucket_policy_operations_from_another_account_are_405(squatted, operation):
    squatter, owner = squatted
    policy = {"Version": "2012-10-17", "Statement": [EMPTY_POLICY_STATEMENT]}
    squatter.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    params = {}
    if operation == "put_bucket_policy":
        params["Policy"] = json.dumps({"Version": "2012-10-17", "Statement": []})
    assert _error(lambda: getattr(owner, operation)(Bucket=BUCKET, **params)) == ("MethodNotAllowed", 405)
    assert json.loads(squatter.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"] == [EMPTY_POLICY_STATEMENT]


def test_bucket_configuration_writes_from_another_account_are_access_denied(squatted):
    squatter, owner = squatted
    attempts = {
        "put_bucket_encryption": lambda: owner.put_bucket_encryption(Bucket=BUCKET,
                                                                     ServerSideEncryptionConfiguration=SSE_KMS),
        "put_public_access_block": lambda: owner.put_public_access_block(Bucket=BUCKET,
                                                                         PublicAccessBlockConfiguration=BLOCK_ALL),
        "put_bucket_versioning": lambda: owner.put_bucket_versioning(Bucket=BUCKET,
                                                                     VersioningConfiguration={"Status": "Enabled"}),
        "put_bucket_notification_configuration": lambda: owner.put_bucket_notification_configuration(
            Bucket=BUCKET, NotificationConfiguration={}),
        "put_bucket_tagging": lambda: owner.put_bucket_tagging(
            Bucket=BUCKET, Tagging={"TagSet": [{"Key": "a", "Value": "b"}]}),
        "delete_bucket": lambda: owner.delete_bucket(Bucket=BUCKET),
    }
    results = {name: _error(attempt) for name, attempt in attempts.items()}
    assert results == {name: ("AccessDenied", 403) for name in attempts}
    # The bucket keeps S3's default encryption (extensions/s3_defaults.py), not the owner's key.
    assert squatter.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"] == {
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}
    assert "Status" not in squatter.get_bucket_versioning(Bucket=BUCKET)
    assert squatter.head_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_a_bucket_policy_can_grant_another_account_a_configuration_write(squatted):
    squatter, owner = squatted
    squatter.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
        "Action": "s3:PutEncryptionConfiguration", "Resource": f"arn:aws:s3:::{BUCKET}"}]}))
    owner.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration=SSE)
    # Granted one action only: versioning is still refused.
    assert _error(lambda: owner.put_bucket_versioning(
        Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})) == ("AccessDenied", 403)


def test_the_owner_writes_its_own_bucket_configuration(squatted):
    squatter, _owner = squatted
    squatter.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration=SSE, ExpectedBucketOwner=SQUATTER)
    squatter.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration=BLOCK_ALL)
    assert squatter.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"] == BLOCK_ALL


# -- CreateBucket of a taken name ---------------------------------------------------------------
def test_create_bucket_of_another_accounts_name_is_bucket_already_exists(squatted):
    _squatter, owner = squatted
    assert _error(lambda: owner.create_bucket(Bucket=BUCKET)) == ("BucketAlreadyExists", 409)


def test_create_bucket_again_in_the_same_account(aws):
    east = aws("s3", account=OWNER)
    east.create_bucket(Bucket=BUCKET)
    # us-east-1 answers 200 for legacy compatibility; every other Region BucketAlreadyOwnedByYou.
    assert east.create_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 200
    west = aws("s3", region="us-west-2", account=OWNER)
    west_again = {"Bucket": BUCKET, "CreateBucketConfiguration": {"LocationConstraint": "us-west-2"}}
    assert _error(lambda: west.create_bucket(**west_again)) == ("BucketAlreadyOwnedByYou", 409)


def test_refused_writes_are_in_the_request_log_with_their_status(squatted, clean_emulator):
    _squatter, owner = squatted
    clean_emulator.control("DELETE", "requests")
    _error(lambda: owner.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17",
                                                                            "Statement": []})))
    records = clean_emulator.control("GET", "requests")["records"]
    assert [(r["account"], r["operation"], r["write"], r["status"]) for r in records] == [
        (OWNER, "PutBucketPolicy", True, 405)]
