"""The resource-policy evaluator behind the emulator's configuration-time checks."""

from __future__ import annotations

import json

import pytest
from radiant_emulator.policy_eval import allows

TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/org"
BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": "arn:aws:s3:::logs",
            "Condition": {"StringEquals": {"aws:SourceArn": TRAIL}},
        },
        {
            "Sid": "Write",
            "Effect": "Allow",
            "Principal": {"Service": ["cloudtrail.amazonaws.com"]},
            "Action": ["s3:PutObject"],
            "Resource": ["arn:aws:s3:::logs/AWSLogs/123456789012/*", "arn:aws:s3:::logs/AWSLogs/o-abc/*"],
            "Condition": {
                "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceArn": TRAIL},
            },
        },
        {
            "Sid": "DenyInsecure",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ],
}
OBJECT = "arn:aws:s3:::logs/AWSLogs/123456789012/x.gz"
CONTEXT = {"aws:SourceArn": TRAIL, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SecureTransport": "true"}


@pytest.mark.parametrize(
    ("action", "resource", "context", "expected"),
    [
        ("s3:GetBucketAcl", "arn:aws:s3:::logs", CONTEXT, True),
        ("S3:GETBUCKETACL", "arn:aws:s3:::logs", CONTEXT, True),  # actions are case-insensitive
        ("s3:PutObject", "arn:aws:s3:::logs/AWSLogs/o-abc/123456789012/CloudTrail/x.gz", CONTEXT, True),
        ("s3:PutObject", "arn:aws:s3:::logs/AWSLogs/o-other/123456789012/x.gz", CONTEXT, False),
        ("s3:PutObject", OBJECT, {**CONTEXT, "s3:x-amz-acl": "private"}, False),
        ("s3:PutObject", OBJECT, {**CONTEXT, "aws:SourceArn": "arn:x"}, False),
        ("s3:PutObject", OBJECT, {**CONTEXT, "aws:SecureTransport": "false"}, False),
        ("s3:DeleteObject", OBJECT, CONTEXT, False),
    ],
)
def test_bucket_policy_cases(action, resource, context, expected):
    assert allows(json.dumps(BUCKET_POLICY), "cloudtrail.amazonaws.com", action, resource, context) is expected


def test_other_service_is_not_allowed():
    assert not allows(BUCKET_POLICY, "guardduty.amazonaws.com", "s3:GetBucketAcl", "arn:aws:s3:::logs", CONTEXT)


def test_no_policy_allows_nothing():
    assert not allows(None, "s3.amazonaws.com", "sns:Publish", "arn:aws:sns:us-east-1:1:t")
    assert not allows("not json", "s3.amazonaws.com", "sns:Publish", "arn:aws:sns:us-east-1:1:t")


def test_seed_topic_policy_wildcard_principal_and_arnlike():
    """The guide's example topic policy (docs/requirements.md#sns-wiring): AWS:* with AWS:SourceOwner, and s3 with
    SourceAccount + ArnLike."""
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": "111122223333"},
                    "ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"},
                },
            }
        ]
    }
    topic = "arn:aws:sns:us-east-1:111122223333:t"
    good = {"aws:SourceAccount": "111122223333", "aws:SourceArn": "arn:aws:s3:::b"}
    assert allows(policy, "s3.amazonaws.com", "SNS:Publish", topic, good)
    assert not allows(policy, "s3.amazonaws.com", "SNS:Publish", topic, {**good, "aws:SourceAccount": "444455556666"})
    wildcard = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["SNS:Publish"],
                "Resource": topic,
                "Condition": {"StringEquals": {"AWS:SourceOwner": "111122223333"}},
            }
        ]
    }
    assert allows(wildcard, "s3.amazonaws.com", "sns:Publish", topic, {"aws:SourceOwner": "111122223333"})
    assert not allows(wildcard, "s3.amazonaws.com", "sns:Publish", topic, {})


def test_negated_operator_matches_absent_key_and_forany():
    deny_unencrypted = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "guardduty.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::b/*",
             "Condition": {"ForAnyValue:StringEquals": {"aws:SourceArn": ["arn:d1", "arn:d2"]}}},
            {"Effect": "Deny", "Principal": {"Service": "guardduty.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::b/*",
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
        ]
    }
    kms = {"aws:SourceArn": "arn:d2", "s3:x-amz-server-side-encryption": "aws:kms"}
    assert allows(deny_unencrypted, "guardduty.amazonaws.com", "s3:PutObject", "arn:aws:s3:::b/k", kms)
    assert not allows(deny_unencrypted, "guardduty.amazonaws.com", "s3:PutObject", "arn:aws:s3:::b/k",
                      {"aws:SourceArn": "arn:d2"})
    assert not allows(deny_unencrypted, "guardduty.amazonaws.com", "s3:PutObject", "arn:aws:s3:::b/k",
                      {**kms, "aws:SourceArn": "arn:d3"})


def test_account_principals():
    principal = {"AWS": ["arn:aws:iam::222233334444:root", "555566667777"]}
    policy = {"Statement": [{"Effect": "Allow", "Principal": principal,
                             "Action": "SNS:Subscribe", "Resource": "arn:aws:sns:us-east-1:111122223333:t"}]}
    topic = "arn:aws:sns:us-east-1:111122223333:t"
    assert allows(policy, "arn:aws:iam::222233334444:root", "sns:Subscribe", topic)
    assert allows(policy, "555566667777", "sns:Subscribe", topic)
    assert not allows(policy, "arn:aws:iam::999999999999:root", "sns:Subscribe", topic)
    assert not allows(policy, "s3.amazonaws.com", "sns:Subscribe", topic)
