"""run_host_problems: the accounts a run needs whose host is missing from the inventory or from the run."""

from ansible_collections.radiant.aws_onboarding.plugins.filter.run_host_problems import run_host_problems

HOSTVARS = {
    "management": {"aws_account_id": "111111111111"},
    "log-archive": {"aws_account_id": 222222222222},  # YAML may give an int
    "outside-01": {"aws_account_id": "999000000001"},
    "member-0001": {"aws_account_id": "300000000001"},
}
GROUPS = {
    "all": sorted(HOSTVARS),
    "ungrouped": [],
    "management_account": ["management"],
    "log_account": ["log-archive"],
    "outside_accounts": ["outside-01"],
    "organization_members": ["member-0001"],
}
NEEDS = [
    {"account_id": "111111111111", "group": "management_account", "setting": "radiant_management_account_id",
     "why": "every phase runs from it"},
    {"account_id": "222222222222", "group": "log_account", "setting": "radiant_log_account_id",
     "why": "org_trail writes the CloudTrail bucket there"},
    {"account_id": "999000000001", "group": "outside_accounts", "setting": "host outside-01 of group outside_accounts",
     "why": "cross_account_logging creates its trail"},
]
RUN = ["management", "log-archive", "outside-01"]


def test_a_run_with_every_needed_host_has_no_problem():
    assert run_host_problems(HOSTVARS, GROUPS, RUN, NEEDS) == []


def test_a_limit_that_leaves_out_hosts_names_each_with_its_account_group_and_reason():
    assert run_host_problems(HOSTVARS, GROUPS, ["management"], NEEDS) == [
        "host log-archive (account 222222222222, group log_account) is not in this run (--limit, radiant_role_hosts or"
        " an AWX job slice leaves it out): org_trail writes the CloudTrail bucket there",
        "host outside-01 (account 999000000001, group outside_accounts) is not in this run (--limit, radiant_role_hosts"
        " or an AWX job slice leaves it out): cross_account_logging creates its trail",
    ]


def test_a_missing_group_and_an_account_without_a_host_are_named():
    needs = [dict(NEEDS[0], account_id=""),
             {"account_id": "444444444444", "group": "", "setting": "radiant_guardduty_admin_account_id",
              "why": "guardduty_org enrolls the members"}]
    assert run_host_problems(HOSTVARS, GROUPS, RUN, needs) == [
        "inventory group management_account has no host with an aws_account_id (the group is missing or empty: an"
        " incomplete inventory, or an AWX job slice that holds other hosts): every phase runs from it",
        "account 444444444444 (radiant_guardduty_admin_account_id) has no host in the inventory (an incomplete"
        " inventory, or an AWX job slice that holds other hosts): guardduty_org enrolls the members",
    ]


def test_one_host_needed_for_several_reasons_is_one_problem_with_every_reason():
    needs = NEEDS[1:2] + [{"account_id": 222222222222, "group": "", "setting": "radiant_guardduty_admin_account_id",
                           "why": "guardduty_org enrolls the members"}]
    assert run_host_problems(HOSTVARS, GROUPS, [], needs) == [
        "host log-archive (account 222222222222, group log_account) is not in this run (--limit, radiant_role_hosts or"
        " an AWX job slice leaves it out): org_trail writes the CloudTrail bucket there;"
        " guardduty_org enrolls the members",
    ]


def test_an_account_outside_the_expected_group_is_found_in_the_inventory():
    needs = [{"account_id": "300000000001", "group": "", "setting": "radiant_guardduty_admin_account_id",
              "why": "guardduty_org enrolls the members"}]
    problems = run_host_problems(HOSTVARS, GROUPS, RUN, needs, prefer_groups=["log_account"])
    assert problems == [
        "host member-0001 (account 300000000001, group organization_members) is not in this run (--limit,"
        " radiant_role_hosts or an AWX job slice leaves it out): guardduty_org enrolls the members",
    ]
