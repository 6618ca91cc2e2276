"""What S3 gives every new bucket: SSE-S3 default encryption, all four public access blocks on,
and ACLs disabled (Object Ownership ``BucketOwnerEnforced``).

moto 5.2.5 creates a bucket with none of these, so a tool that "makes an existing bucket private
and encrypted" would be tested on buckets AWS never hands out. S3 does:

- "Amazon S3 now applies server-side encryption with Amazon S3 managed keys (SSE-S3) as the base
  level of encryption for every bucket in Amazon S3" (since January 2023); GetBucketEncryption of
  a new bucket returns SSEAlgorithm AES256 with BucketKeyEnabled false (S3 User Guide, "Setting
  default server-side encryption behavior for Amazon S3 buckets",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html).
- New buckets have all four Block Public Access settings enabled and ACLs disabled (since April
  2023; S3 User Guide, "Blocking public access to your Amazon S3 storage",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html,
  and "Controlling ownership of objects and disabling ACLs for your bucket",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).

- DeleteBucketEncryption "resets the default encryption for the bucket as server-side encryption
  with Amazon S3 managed keys (SSE-S3)": no bucket is left unencrypted (S3 API Reference,
  DeleteBucketEncryption,
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html).

A CreateBucket request with ``x-amz-object-ownership`` still chooses its own Object Ownership
(moto applies the header after create_bucket returns). DeletePublicAccessBlock removes the
blocks, as on AWS.
"""

from __future__ import annotations

import copy

DEFAULT_ENCRYPTION = {"Rule": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                               "BucketKeyEnabled": "false"}}
DEFAULT_OBJECT_OWNERSHIP = "BucketOwnerEnforced"


def apply_defaults(bucket) -> None:
    from moto.s3.models import PublicAccessBlock

    bucket.encryption = copy.deepcopy(DEFAULT_ENCRYPTION)
    bucket.public_access_block = PublicAccessBlock("true", "true", "true", "true")
    bucket.ownership_rule = DEFAULT_OBJECT_OWNERSHIP


def install() -> None:
    from moto.s3.models import S3Backend

    if getattr(S3Backend, "_radiant_bucket_defaults", False):
        return
    original = S3Backend.create_bucket

    def create_bucket(self, bucket_name, region_name, *args, **kwargs):
        bucket = original(self, bucket_name, region_name, *args, **kwargs)
        apply_defaults(bucket)
        return bucket

    def delete_bucket_encryption(self, bucket_name):
        self.get_bucket(bucket_name).encryption = copy.deepcopy(DEFAULT_ENCRYPTION)

    create_bucket.__wrapped__ = original
    delete_bucket_encryption.__wrapped__ = S3Backend.delete_bucket_encryption
    S3Backend.create_bucket = create_bucket
    S3Backend.delete_bucket_encryption = delete_bucket_encryption
    S3Backend._radiant_bucket_defaults = True
