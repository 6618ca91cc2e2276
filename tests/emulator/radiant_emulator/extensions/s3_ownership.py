"""Bucket ownership as S3 enforces it: names are global, configuration belongs to the owner.

moto 5.2.5 resolves a bucket name in whichever account holds it and lets any account read and
change it (cross-account access is allowed by default), and it ignores the bucket owner
condition. A member account could therefore squat a predictable bucket name and another
account's tools would write their policy and encryption onto it without an error. S3 does not:

- Bucket owner condition: a request with ``x-amz-expected-bucket-owner`` (``ExpectedBucketOwner``)
  naming another account than the bucket's owner fails with 403 AccessDenied, for every bucket
  and object operation that takes the parameter (S3 User Guide, "Verifying bucket ownership
  with bucket owner condition",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html).
- Bucket policy operations (GetBucketPolicy, PutBucketPolicy, DeleteBucketPolicy) by an identity
  outside the bucket owner's account fail with 405 MethodNotAllowed, whatever the policies say
  ("If you have the correct permissions, but you're not using an identity that belongs to the
  bucket owner's account, Amazon S3 returns a 405 Method Not Allowed error": S3 API Reference,
  PutBucketPolicy, https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html;
  the same in GetBucketPolicy and DeleteBucketPolicy; "Only the bucket owner can associate a
  policy with a bucket": https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html).
- Any other bucket write (encryption, public access block, versioning, notification, tagging,
  ACL, lifecycle, DeleteBucket, ...) by another account needs the bucket policy to allow that
  account the action; otherwise 403 AccessDenied, the implicit deny (S3 User Guide,
  "Troubleshoot access denied (403 Forbidden) errors in Amazon S3",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html, and
  "Example 2: Bucket owner granting cross-account bucket permissions",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html).
- CreateBucket of a name another account holds: 409 BucketAlreadyExists; of one the caller
  holds: 409 BucketAlreadyOwnedByYou, except in us-east-1 where S3 answers 200 for legacy
  compatibility (S3 API Reference, CreateBucket and its errors,
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html). moto already does
  this; the emulator's tests pin it.

Object reads and writes across accounts are left as moto has them (the AWS services that
deliver into buckets are emulated inside the process and check the bucket policy themselves).
"""

from __future__ import annotations

from .. import policy_eval, resources
from ..requestlog import is_write
from ..server import OPERATION_ENVIRON_KEY  # the operation the request log identified

EXPECTED_OWNER_HEADER = "x-amz-expected-bucket-owner"
OWNER_ONLY_OPERATIONS = frozenset({"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"})
# Bucket-level writes that are not configuration of an existing bucket.
NOT_BUCKET_CONFIGURATION = frozenset({"CreateBucket", "DeleteObjects", "CreateSession"})
# IAM actions whose names differ from the operation's (S3 User Guide, "Required permissions
# for Amazon S3 API operations",
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html).
ACTION_OF_OPERATION = {
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "PutBucketCors": "s3:PutBucketCORS",
    "DeleteBucketCors": "s3:PutBucketCORS",
    "DeleteBucketTagging": "s3:PutBucketTagging",
    "DeleteBucketWebsite": "s3:DeleteBucketWebsite",
    "PutBucketReplication": "s3:PutReplicationConfiguration",
    "DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "PutBucketAccelerateConfiguration": "s3:PutAccelerateConfiguration",
    "PutBucketInventoryConfiguration": "s3:PutInventoryConfiguration",
    "DeleteBucketInventoryConfiguration": "s3:PutInventoryConfiguration",
    "PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
}


def _access_denied():
    from moto.s3.exceptions import S3ClientError

    return S3ClientError("AccessDenied", "Access Denied")


def _operation(response, request) -> str:
    operation = (getattr(request, "environ", None) or {}).get(OPERATION_ENVIRON_KEY)
    if operation is not None:
        return operation
    from moto.core.routing import get_service_router

    try:
        matched, _params = get_service_router("s3").match(request)
        return matched.name
    except Exception:  # noqa: BLE001 - an unroutable request is moto's to answer
        return ""


def check_expected_owner(request, owner: str, operation: str) -> None:
    """403 when the request names an expected owner that does not own the bucket."""
    expected = request.headers.get(EXPECTED_OWNER_HEADER)
    if expected and operation != "CreateBucket" and expected != owner:
        raise _access_denied()


def check_bucket_write(caller: str, bucket, owner: str, operation: str, method: str) -> None:
    """405 for another account's bucket policy operations; 403 for its other bucket writes
    unless the bucket policy allows that account the action."""
    from moto.s3.exceptions import MethodNotAllowed

    if caller == owner:
        return
    if operation in OWNER_ONLY_OPERATIONS:
        raise MethodNotAllowed(method=method, resource_type="BUCKETPOLICY")
    if not is_write(operation) or operation in NOT_BUCKET_CONFIGURATION:
        return
    action = ACTION_OF_OPERATION.get(operation, "s3:" + operation)
    if not policy_eval.allows(resources.bucket_policy(bucket), caller, action, f"arn:aws:s3:::{bucket.name}", {}):
        raise _access_denied()


def _guard(original, bucket_level: bool):
    def handler(self, request, full_url):
        bucket_name = getattr(self, "bucket_name", None)
        if bucket_name:
            bucket, owner = resources.find_bucket(bucket_name)
            if bucket is not None:
                operation = _operation(self, request)
                check_expected_owner(request, owner, operation)
                if bucket_level:
                    check_bucket_write(self.get_current_account(), bucket, owner, operation, request.method)
        return original(self, request, full_url)

    handler.__wrapped__ = original
    return handler


def install() -> None:
    from moto.s3.responses import S3Response

    if getattr(S3Response, "_radiant_ownership", False):
        return
    # Errors raised here are S3ClientErrors, which bucket_response/key_response serialize.
    S3Response._bucket_response = _guard(S3Response._bucket_response, bucket_level=True)
    S3Response._key_response = _guard(S3Response._key_response, bucket_level=False)
    S3Response._radiant_ownership = True
