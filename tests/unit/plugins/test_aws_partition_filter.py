"""The arn, arn_partition, region_partition and service_principal filters the roles build every ARN with."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.radiant.aws_onboarding.plugins.filter.aws_partition import FilterModule

FILTERS = FilterModule().filters()


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_one_arn_or_one_per_account(partition):
    arn = FILTERS["arn"]
    role = arn(partition, "iam", "", "111122223333", "role/ops")
    assert role == "arn:{0}:iam::111122223333:role/ops".format(partition)
    assert arn(partition, "s3", "", "", "logs") == "arn:{0}:s3:::logs".format(partition)
    # Account ids from the inventory may be numbers; a list gives one ARN per account, in order.
    assert arn(partition, "cloudtrail", "us-east-1", [111122223333, "444455556666"], "trail/t") == [
        "arn:{0}:cloudtrail:us-east-1:111122223333:trail/t".format(partition),
        "arn:{0}:cloudtrail:us-east-1:444455556666:trail/t".format(partition),
    ]


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_the_partition_of_the_callers_arn(partition):
    assert FILTERS["arn_partition"]("arn:{0}:sts::111122223333:assumed-role/ops/me".format(partition)) == partition


@pytest.mark.parametrize("region, partition", [
    ("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn"),
])
def test_the_partition_of_the_controllers_region(region, partition):
    assert FILTERS["region_partition"](region) == partition


def test_bad_input_is_a_filter_error_that_names_the_filter():
    with pytest.raises(AnsibleFilterError, match="arn_partition: not an ARN"):
        FILTERS["arn_partition"]("")
    with pytest.raises(AnsibleFilterError, match="arn: unknown partition ''"):
        FILTERS["arn"]("", "iam", "", "1", "role/x")
    with pytest.raises(AnsibleFilterError, match="service_principal: unknown partition"):
        FILTERS["service_principal"]("cloudtrail", "aws-moon")


def test_service_principals_for_a_list_of_services():
    principal = FILTERS["service_principal"]
    assert [principal(service, "aws-cn") for service in ("guardduty", "guardduty.ap-east-1")] == [
        "guardduty.amazonaws.com", "guardduty.ap-east-1.amazonaws.com"]
