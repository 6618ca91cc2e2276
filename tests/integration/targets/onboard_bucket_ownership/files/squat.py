"""The squatter's buckets: create them with a policy of its own, or read them back.

Usage: squat.py ENDPOINT create|read BUCKET...  (credentials: the squatting account)
Prints {bucket: {"owner_policy": ..., "encryption": ..., "public_access_block": ..., "notification": ...}}.
"""

import json
import sys

import boto3
from botocore.exceptions import ClientError


def _or_none(call, key, **params):
    try:
        return call(**params)[key]
    except ClientError as error:
        if error.response["Error"]["Code"] in ("ServerSideEncryptionConfigurationNotFoundError",
                                               "NoSuchPublicAccessBlockConfiguration", "NoSuchBucketPolicy"):
            return None
        raise


def main():
    endpoint, action, buckets = sys.argv[1], sys.argv[2], sys.argv[3:]
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    account = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1").get_caller_identity()["Account"]
    state = {}
    for bucket in buckets:
        if action == "create":
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Sid": "SquatterReadsEverything", "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
        state[bucket] = {
            "owner": account,
            "policy": json.loads(_or_none(s3.get_bucket_policy, "Policy", Bucket=bucket, ExpectedBucketOwner=account)),
            "encryption": _or_none(s3.get_bucket_encryption, "ServerSideEncryptionConfiguration", Bucket=bucket),
            "public_access_block": _or_none(s3.get_public_access_block, "PublicAccessBlockConfiguration",
                                            Bucket=bucket),
            "objects": s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0),
        }
    print(json.dumps(state))


if __name__ == "__main__":
    main()
