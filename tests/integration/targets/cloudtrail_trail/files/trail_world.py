"""Build what an organization trail needs, in one process (each boto3_call task costs ~1 s).

Usage: trail_world.py ENDPOINT_URL REGION TRAIL_NAME BUCKET TOPIC  (management credentials in
AWS_ACCESS_KEY_ID/...). Creates the organization with trusted access for CloudTrail; the log
bucket with a policy that allows only the account's own AWSLogs/<account>/ path (the classic
mistake for an organization trail); the notification topic with CloudTrail's topic policy;
the KMS key 'alias/cloudtrail-log-encryption' with CloudTrail's key policy; and a member
account registered as CloudTrail's delegated administrator; for the batch case (cloudtrail_trail with
``accounts``), a second member account and a bucket ``<bucket>-batch`` whose policy lets each of the two
members' trail ``batch-trail`` write under its own AWSLogs/<account>/ path. Policies follow the CloudTrail
User Guide ("Amazon S3 bucket policy for CloudTrail", "Amazon SNS topic policy for
CloudTrail", "Configure AWS KMS key policies for CloudTrail"). Prints the facts as JSON,
including the corrected bucket policy (with the AWSLogs/<organization id>/ path).
"""

import json
import sys

import boto3

SERVICE = {"Service": "cloudtrail.amazonaws.com"}


def bucket_policy(bucket, trail_arn, log_paths):
    condition = {"StringEquals": {"aws:SourceArn": trail_arn, "s3:x-amz-acl": "bucket-owner-full-control"}}
    statements = [
        {
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": SERVICE,
            "Action": "s3:GetBucketAcl",
            "Resource": f"arn:aws:s3:::{bucket}",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        }
    ]
    for sid, path in log_paths:
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": SERVICE,
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{path}/*",
                "Condition": condition,
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def key_policy(account, trail_arn):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnableIAMUserPermissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AllowCloudTrailToEncryptLogs",
                "Effect": "Allow",
                "Principal": SERVICE,
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceArn": trail_arn},
                    "StringLike": {
                        "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account}:trail/*"
                    },
                },
            },
            {
                "Sid": "AllowCloudTrailToDescribeKey",
                "Effect": "Allow",
                "Principal": SERVICE,
                "Action": "kms:DescribeKey",
                "Resource": "*",
            },
        ],
    }


def main(endpoint, region, trail_name, bucket, topic_name):
    def client(service):
        return boto3.client(service, endpoint_url=endpoint, region_name=region)

    account = client("sts").get_caller_identity()["Account"]
    trail_arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{trail_name}"
    organizations = client("organizations")
    org_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    organizations.enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")

    s3 = client("s3")
    s3.create_bucket(Bucket=bucket)
    account_only = bucket_policy(bucket, trail_arn, [("AWSCloudTrailWrite", account)])
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(account_only))
    with_org = bucket_policy(
        bucket, trail_arn, [("AWSCloudTrailWrite", account), ("AWSCloudTrailOrganizationWrite", org_id)]
    )

    sns = client("sns")
    topic_arn = sns.create_topic(Name=topic_name)["TopicArn"]
    topic_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailSNSPolicy",
                "Effect": "Allow",
                "Principal": SERVICE,
                "Action": "SNS:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
            }
        ],
    }
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="Policy", AttributeValue=json.dumps(topic_policy))

    kms = client("kms")
    key = kms.create_key(Description="cloudtrail-log-encryption", Policy=json.dumps(key_policy(account, trail_arn)))
    key_arn = key["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/cloudtrail-log-encryption", TargetKeyId=key_arn)

    admin = organizations.create_account(AccountName="security-tooling", Email="aws+security-tooling@example.test")
    admin_account = admin["CreateAccountStatus"]["AccountId"]
    client("cloudtrail").register_organization_delegated_admin(MemberAccountId=admin_account)

    workload = organizations.create_account(AccountName="workload", Email="aws+workload@example.test")
    batch_accounts = [admin_account, workload["CreateAccountStatus"]["AccountId"]]
    batch_bucket = bucket + "-batch"
    s3.create_bucket(Bucket=batch_bucket)
    batch_policy = {"Version": "2012-10-17", "Statement": []}
    for member in batch_accounts:
        member_trail = f"arn:aws:cloudtrail:{region}:{member}:trail/batch-trail"
        batch_policy["Statement"] += [
            dict(statement, Sid=statement["Sid"] + member)
            for statement in bucket_policy(batch_bucket, member_trail, [("AWSCloudTrailWrite", member)])["Statement"]
        ]
    s3.put_bucket_policy(Bucket=batch_bucket, Policy=json.dumps(batch_policy))

    return {
        "account": account,
        "trail_arn": trail_arn,
        "org_id": org_id,
        "topic_arn": topic_arn,
        "key_arn": key_arn,
        "admin_account": admin_account,
        "batch_accounts": batch_accounts,
        "batch_bucket": batch_bucket,
        "org_bucket_policy": json.dumps(with_org),
    }


if __name__ == "__main__":
    json.dump(main(*sys.argv[1:6]), sys.stdout)
