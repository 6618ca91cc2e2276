"""Account Management Region opt-in and AssumeRole of a missing role, as AWS behaves."""

import pytest
from botocore.exceptions import ClientError

MANAGEMENT = "123456789012"


def _org_with_member(aws):
    org = aws("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="m", Email="m@example.test")["CreateAccountStatus"]["AccountId"]
    return org, member


def _statuses(client, **kwargs):
    pages = client.get_paginator("list_regions").paginate(**kwargs)
    return {r["RegionName"]: r["RegionOptStatus"] for page in pages for r in page["Regions"]}


def test_list_regions_of_the_caller_pages_and_filters(aws):
    account = aws("account")
    statuses = _statuses(account, PaginationConfig={"PageSize": 7})
    assert statuses["us-east-1"] == "ENABLED_BY_DEFAULT"
    assert statuses["af-south-1"] == "DISABLED"
    assert len(statuses) > 20
    enabled = _statuses(account, RegionOptStatusContains=["ENABLED_BY_DEFAULT"])
    assert "af-south-1" not in enabled and "us-west-2" in enabled


def test_enable_region_opts_in_for_that_account_only(aws):
    aws("account", account="210987654321").enable_region(RegionName="af-south-1")
    assert aws("account", account="210987654321").get_region_opt_status(RegionName="af-south-1")[
        "RegionOptStatus"] == "ENABLED"
    assert aws("account").get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == "DISABLED"
    with pytest.raises(ClientError, match="enabled by default"):
        aws("account").disable_region(RegionName="us-east-1")


def test_member_regions_from_the_management_account_need_trusted_access(aws):
    org, member = _org_with_member(aws)
    account = aws("account")
    with pytest.raises(ClientError) as error:
        account.list_regions(AccountId=member)
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "trusted access for account.amazonaws.com is not enabled" in error.value.response["Error"]["Message"]
    org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    account.enable_region(AccountId=member, RegionName="ap-east-1")
    assert _statuses(account, AccountId=member)["ap-east-1"] == "ENABLED"


def test_the_management_account_cannot_name_itself(aws):
    org, _member = _org_with_member(aws)
    org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    with pytest.raises(ClientError, match="standalone context"):
        aws("account").list_regions(AccountId=MANAGEMENT)


def test_a_member_cannot_read_another_members_regions(aws):
    org, member = _org_with_member(aws)
    other = org.create_account(AccountName="o", Email="o@example.test")["CreateAccountStatus"]["AccountId"]
    org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    with pytest.raises(ClientError, match="is not authorized to perform: account:ListRegions on account"):
        aws("account", account=member).list_regions(AccountId=other)


def test_assume_role_refuses_a_missing_role_and_accepts_an_existing_one(aws):
    _org, member = _org_with_member(aws)
    sts = aws("sts")
    good = sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="test")
    assert good["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{member}:assumed-role/")
    missing = f"arn:aws:iam::{member}:role/NoSuchRole"
    with pytest.raises(ClientError) as error:
        sts.assume_role(RoleArn=missing, RoleSessionName="test")
    assert error.value.response["Error"]["Code"] == "AccessDenied"
    assert error.value.response["Error"]["Message"].endswith(
        f"is not authorized to perform: sts:AssumeRole on resource: {missing}")
