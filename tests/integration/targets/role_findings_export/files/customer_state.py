"""Create the customer's state before onboarding: the administrator's detectors, and the findings
bucket and key (alias) with policies holding the customer's own statements, in every shape the IAM
policy grammar allows (no Sid, Principal "*" / string / list, NotPrincipal,
NotAction, NotResource, condition values as string or list), none of which keeps GuardDuty out.

Usage: customer_state.py ENDPOINT BUCKET KEY_ALIAS REGION[,REGION...]  (credentials: the log account)
Prints {"detectors": {region: id}, "key_arn": ..., "bucket_statements": [...], "key_statements": [...]},
each statement as the compact JSON text it was written as.
"""

import json
import sys

import boto3

CUSTOMER = "arn:aws:iam::111122223333:root"


def bucket_statements(bucket):
    bucket_arn = f"arn:aws:s3:::{bucket}"
    return [
        {"Sid": "CustomerAuditRead", "Effect": "Allow", "Principal": {"AWS": CUSTOMER}, "Action": "s3:GetObject",
         "Resource": f"{bucket_arn}/*"},
        # No Sid, Principal AWS as a list, Action and Resource as lists.
        {"Effect": "Allow", "Principal": {"AWS": [CUSTOMER, "arn:aws:iam::111122223333:role/audit"]},
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [bucket_arn, f"{bucket_arn}/*"]},
        # Principal "*" held to other accounts by a condition with a list value.
        {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObjectVersion", "Resource": f"{bucket_arn}/*",
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}},
        {"Effect": "Deny", "NotPrincipal": {"AWS": CUSTOMER}, "Action": "s3:DeleteBucket", "Resource": bucket_arn},
        {"Effect": "Deny", "Principal": {"AWS": CUSTOMER}, "NotAction": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [bucket_arn, f"{bucket_arn}/*"]},
        {"Effect": "Deny", "Principal": {"AWS": [CUSTOMER]}, "Action": "s3:GetObject",
         "NotResource": f"{bucket_arn}/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]


def key_policy(account):
    # AWS's default key policy without its Sid, and a customer's grant with a condition list.
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": [CUSTOMER]}, "Action": ["kms:Decrypt", "kms:DescribeKey"],
         "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": ["s3.us-east-1.amazonaws.com"]}}},
    ]}


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def main():
    endpoint, bucket, alias, regions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
    account = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1").get_caller_identity()["Account"]
    detectors = {}
    for region in regions:
        gd = boto3.client("guardduty", endpoint_url=endpoint, region_name=region)
        detectors[region] = gd.create_detector(Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES")["DetectorId"]
    kms = boto3.client("kms", endpoint_url=endpoint, region_name=regions[0])
    policy = key_policy(account)
    key = kms.create_key(Policy=compact(policy), Description="customer's own key")["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key["KeyId"])
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=regions[0])
    s3.create_bucket(Bucket=bucket)
    statements = bucket_statements(bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=compact({"Version": "2012-10-17", "Statement": statements}))
    print(json.dumps({"detectors": detectors, "key_arn": key["Arn"],
                      "bucket_statements": [compact(statement) for statement in statements],
                      "key_statements": [compact(statement) for statement in policy["Statement"]]}))


if __name__ == "__main__":
    main()
