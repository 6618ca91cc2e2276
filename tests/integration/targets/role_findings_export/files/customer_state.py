"""Create the customer's state before onboarding: the administrator's detectors, and the findings
bucket and key (alias) with policies holding the customer's own statements.

Usage: customer_state.py ENDPOINT BUCKET KEY_ALIAS REGION[,REGION...]  (credentials: the log account)
Prints {"detectors": {region: id}, "key_arn": ...}.
"""

import json
import sys

import boto3

CUSTOMER_BUCKET_STATEMENT = {
    "Sid": "CustomerAuditRead",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "s3:GetObject",
    "Resource": None,
}


def main():
    endpoint, bucket, alias, regions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
    account = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1").get_caller_identity()["Account"]
    detectors = {}
    for region in regions:
        gd = boto3.client("guardduty", endpoint_url=endpoint, region_name=region)
        detectors[region] = gd.create_detector(Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES")["DetectorId"]
    kms = boto3.client("kms", endpoint_url=endpoint, region_name=regions[0])
    key_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "CustomerKeyAdmins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": ["kms:Describe*", "kms:Get*"], "Resource": "*"},
        ],
    }
    key = kms.create_key(Policy=json.dumps(key_policy), Description="customer's own key")["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key["KeyId"])
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=regions[0])
    s3.create_bucket(Bucket=bucket)
    statement = dict(CUSTOMER_BUCKET_STATEMENT, Resource=f"arn:aws:s3:::{bucket}/*")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    print(json.dumps({"detectors": detectors, "key_arn": key["Arn"]}))


if __name__ == "__main__":
    main()
