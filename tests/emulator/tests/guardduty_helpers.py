"""Set-up steps shared by the GuardDuty emulator tests."""

from __future__ import annotations

import json

MANAGEMENT = "123456789012"


def feature_status(detector_or_member: dict) -> dict[str, str]:
    return {feature["Name"]: feature["Status"] for feature in detector_or_member["Features"]}


def delegate_admin(aws, admin: str, region: str = "us-east-1") -> tuple:
    """Trusted access + delegated admin ``admin``; returns (admin client, admin detector id).

    Designating the administrator enables GuardDuty (a detector) in its account and Region."""
    aws("organizations").enable_aws_service_access(ServicePrincipal="guardduty.amazonaws.com")
    aws("guardduty", region).enable_organization_admin_account(AdminAccountId=admin)
    client = aws("guardduty", region, admin)
    return client, client.list_detectors()["DetectorIds"][0]


BUCKET = "acme-guardduty-findings"


def bucket_policy(bucket: str, detector_arns: list[str], prefix: str = "") -> str:
    """The policy of the user guide's "Exporting findings" page, with its SSE-KMS deny statement.
    (Its non-TLS deny is left out: this test talks plain HTTP to the emulator, which moto
    evaluates as aws:SecureTransport=false, exactly as AWS would.)"""
    objects = f"arn:aws:s3:::{bucket}/{prefix + '/' if prefix else ''}*"
    accounts = sorted({arn.split(":")[4] for arn in detector_arns})
    condition = {"StringEquals": {"aws:SourceAccount": accounts, "aws:SourceArn": detector_arns}}
    service = {"Service": "guardduty.amazonaws.com"}
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Allow GetBucketLocation", "Effect": "Allow", "Principal": service,
             "Action": "s3:GetBucketLocation", "Resource": f"arn:aws:s3:::{bucket}", "Condition": condition},
            {"Sid": "Allow PutObject", "Effect": "Allow", "Principal": service,
             "Action": "s3:PutObject", "Resource": objects, "Condition": condition},
            {"Sid": "Deny unencrypted object uploads", "Effect": "Deny", "Principal": service,
             "Action": "s3:PutObject", "Resource": objects,
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
        ],
    })  # fmt: skip


def key_policy(detector_arns: list[str], owner: str = MANAGEMENT) -> str:
    accounts = sorted({arn.split(":")[4] for arn in detector_arns})
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Key administrators", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{owner}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow GuardDuty to encrypt findings", "Effect": "Allow",
             "Principal": {"Service": "guardduty.amazonaws.com"}, "Action": "kms:GenerateDataKey", "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": accounts, "aws:SourceArn": detector_arns}}},
        ],
    })  # fmt: skip
