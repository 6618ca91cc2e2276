"""What S3 gives every new bucket (extensions/s3_defaults.py): SSE-S3 default encryption that
DeleteBucketEncryption resets rather than removes, all four public access blocks, ACLs disabled."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

BUCKET = "example-new-bucket"
SSE_S3 = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}


@pytest.fixture
def s3(aws):
    client = aws("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def test_a_new_bucket_is_encrypted_with_sse_s3(s3):
    rules = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [SSE_S3]


def test_a_new_bucket_blocks_all_public_access(s3):
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"] == BLOCK_ALL


def test_a_new_bucket_has_acls_disabled_unless_asked_otherwise(s3):
    rules = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.create_bucket(Bucket="example-writer-bucket", ObjectOwnership="ObjectWriter")
    rules = s3.get_bucket_ownership_controls(Bucket="example-writer-bucket")["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]


def test_an_object_put_without_encryption_is_stored_sse_s3(s3):
    s3.put_object(Bucket=BUCKET, Key="finding.json", Body=b"{}")
    assert s3.head_object(Bucket=BUCKET, Key="finding.json")["ServerSideEncryption"] == "AES256"


def test_deleting_the_encryption_resets_it_to_sse_s3(s3):
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/aws/s3"}}]})
    s3.delete_bucket_encryption(Bucket=BUCKET)
    rules = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [SSE_S3]


def test_the_public_access_block_can_be_removed(s3):
    s3.delete_public_access_block(Bucket=BUCKET)
    with pytest.raises(ClientError) as caught:
        s3.get_public_access_block(Bucket=BUCKET)
    assert caught.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"
