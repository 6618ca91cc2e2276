"""role_accounts: the accounts a batch module reaches through a role, from their inventory hosts."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.radiant.aws_onboarding.plugins.filter.role_accounts import role_accounts

HOSTVARS = {
    "outside-01": {"aws_account_id": "990000000001"},
    "outside-02": {"aws_account_id": 990000000002, "radiant_assume_role_name": "PartnerOnboardingRole"},
    "outside-dup": {"aws_account_id": "990000000001"},
    "no-account": {},
}


def test_each_account_once_in_host_order_with_the_default_or_its_own_role():
    assert role_accounts(HOSTVARS, ["outside-01", "outside-02", "outside-dup", "no-account"], "aws",
                         "OrganizationAccountAccessRole") == [
        {"account_id": "990000000001", "role_arn": "arn:aws:iam::990000000001:role/OrganizationAccountAccessRole"},
        {"account_id": "990000000002", "role_arn": "arn:aws:iam::990000000002:role/PartnerOnboardingRole"},
    ]


def test_excluded_accounts_are_left_out_and_the_partition_names_the_arn():
    assert role_accounts(HOSTVARS, ["outside-01", "outside-02"], "aws-us-gov", "R",
                         excluded_account_ids=[990000000002]) == [
        {"account_id": "990000000001", "role_arn": "arn:aws-us-gov:iam::990000000001:role/R"}]


def test_no_hosts_no_accounts():
    assert role_accounts(HOSTVARS, [], "aws", "R") == []


def test_an_unknown_partition_is_refused():
    with pytest.raises((ValueError, AnsibleFilterError)):
        role_accounts(HOSTVARS, ["outside-01"], "aws-mars", "R")


GROUPS = {"all": ["management", "member-07", "outside-01", "outside-02"], "management_account": ["management"],
          "outside_accounts": ["outside-01", "outside-02"]}
INVENTORY = dict(HOSTVARS, management={"aws_account_id": "111111111111"},
                 **{"member-07": {"aws_account_id": "220000000007", "radiant_assume_role_name": "MemberRole"}})


def test_accounts_by_id_come_first_and_take_their_hosts_role_where_the_inventory_has_one():
    assert role_accounts(INVENTORY, ["outside-02"], "aws", "R",
                         account_ids=["220000000007", "220000000008", 990000000002], groups=GROUPS) == [
        {"account_id": "220000000007", "role_arn": "arn:aws:iam::220000000007:role/MemberRole"},
        {"account_id": "220000000008", "role_arn": "arn:aws:iam::220000000008:role/R"},
        {"account_id": "990000000002", "role_arn": "arn:aws:iam::990000000002:role/PartnerOnboardingRole"},
    ]


def test_the_modules_own_account_has_no_role_unless_it_is_excluded():
    accounts = role_accounts(INVENTORY, ["outside-01"], "aws", "R", account_ids=["111111111111", "220000000008"],
                             groups=GROUPS, own_account_id=111111111111)
    assert accounts == [{"account_id": "111111111111"},
                        {"account_id": "220000000008", "role_arn": "arn:aws:iam::220000000008:role/R"},
                        {"account_id": "990000000001", "role_arn": "arn:aws:iam::990000000001:role/R"}]
    assert role_accounts(INVENTORY, [], "aws", "R", ["111111111111"], account_ids=["111111111111"], groups=GROUPS,
                         own_account_id="111111111111") == []
