"""Partitions, ARNs and service principals (plugins/module_utils/arns.py)."""

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import arns


@pytest.mark.parametrize("region, partition", [
    ("us-east-1", "aws"), ("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("cn-northwest-1", "aws-cn"),
    ("us-gov-west-1", "aws-us-gov"), ("us-iso-east-1", "aws-iso"), ("us-isob-east-1", "aws-iso-b"), (None, "aws"),
])
def test_partition_for_region(region, partition):
    assert arns.partition_for_region(region) == partition


def test_every_region_botocore_knows_is_in_its_own_partition():
    from botocore.loaders import create_loader

    wrong = dict((region, (arns.partition_for_region(region), partition["partition"]))
                 for partition in create_loader().load_data("endpoints")["partitions"]
                 for region in partition["regions"]
                 if arns.partition_for_region(region) != partition["partition"])
    assert wrong == {}


@pytest.mark.parametrize("partition, expected", [
    ("aws", ["arn:aws:iam::123456789012:role/ops", "arn:aws:s3:::logs/AWSLogs/*",
             "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"]),
    ("aws-us-gov", ["arn:aws-us-gov:iam::123456789012:role/ops", "arn:aws-us-gov:s3:::logs/AWSLogs/*",
                    "arn:aws-us-gov:cloudtrail:us-east-1:123456789012:trail/t"]),
    ("aws-cn", ["arn:aws-cn:iam::123456789012:role/ops", "arn:aws-cn:s3:::logs/AWSLogs/*",
                "arn:aws-cn:cloudtrail:us-east-1:123456789012:trail/t"]),
])
def test_arns_are_built_in_the_partition_given(partition, expected):
    assert [
        arns.arn(partition, "iam", "", "123456789012", "role/ops"),
        arns.arn(partition, "s3", "", "", "logs/AWSLogs/*"),
        arns.arn(partition, "cloudtrail", "us-east-1", "123456789012", "trail/t"),
    ] == expected
    assert arns.partition_of_arn(expected[0]) == partition


@pytest.mark.parametrize("bad", ["", "not-an-arn", "arn:aws", "arn:azure:iam::1:role/x"])
def test_an_unknown_partition_or_no_arn_is_refused(bad):
    with pytest.raises(ValueError):
        arns.partition_of_arn(bad)
    with pytest.raises(ValueError, match="unknown partition"):
        arns.arn("azure", "iam", "", "1", "role/x")


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_the_service_principals_this_collection_names_are_the_same_in_each_partition(partition):
    # docs.amazonaws.cn's CloudTrail bucket policy and IAM trust policies name *.amazonaws.com.
    assert [arns.service_principal(service, partition) for service in (
        "cloudtrail", "s3", "sns", "guardduty", "member.org.stacksets.cloudformation")] == [
        "cloudtrail.amazonaws.com", "s3.amazonaws.com", "sns.amazonaws.com", "guardduty.amazonaws.com",
        "member.org.stacksets.cloudformation.amazonaws.com"]
    with pytest.raises(ValueError):
        arns.service_principal("cloudtrail", "aws-moon")
