"""The preflight action: reading hosts from hostvars/groups and turning AWS's answers into
problems that name host, field and Region."""


import pytest

from ansible_collections.radiant.aws_onboarding.plugins.action import inventory_preflight as action
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import inventory_validation as iv

GROUPS = {
    "all": ["management", "log-archive", "member-0001", "outside-01", "localhost"],
    "management_account": ["management"],
    "log_account": ["log-archive"],
    "organization_members": ["member-0001"],
    "outside_accounts": ["outside-01"],
}
HOSTVARS = {
    "management": {"aws_account_id": "123456789012"},
    "log-archive": {"aws_account_id": "035214638394", "radiant_assume_role_name": "Onboarding"},
    "member-0001": {"aws_account_id": "642399127792"},
    "outside-01": {"aws_account_id": "990000000001", "aws_account_email": "root@partner.test"},
    "localhost": {},
}


def _args(**overrides):
    args = dict((name, spec.get("default")) for name, spec in iv.preflight_argument_spec().items())
    args.update(regions=["us-east-1", "af-south-1"])
    args.update(overrides)
    return args


def test_collect_accounts_reads_each_host_once_with_its_job_groups():
    accounts = action.collect_accounts(["management", "log-archive", "outside-01"], HOSTVARS, GROUPS)
    assert accounts == [
        {"host": "management", "groups": ["management_account"], "aws_account_id": "123456789012",
         "aws_account_email": None, "assume_role_name": None},
        {"host": "log-archive", "groups": ["log_account"], "aws_account_id": "035214638394",
         "aws_account_email": None, "assume_role_name": "Onboarding"},
        {"host": "outside-01", "groups": ["outside_accounts"], "aws_account_id": "990000000001",
         "aws_account_email": "root@partner.test", "assume_role_name": None},
    ]


def test_live_problems_name_host_field_and_region():
    accounts = action.collect_accounts(["management", "log-archive", "member-0001", "outside-01"], HOSTVARS, GROUPS)
    resolved = {"management_account_id": "123456789012"}
    args = _args(
        caller_account_id="210987654321",
        credential_errors={
            "outside-01": "radiant_assume_role_name: cannot assume arn:aws:iam::990000000001:role/X: no"},
        region_statuses={"log-archive": {"us-east-1": "ENABLED_BY_DEFAULT", "af-south-1": "DISABLED"},
                         "management": {"us-east-1": "ENABLED_BY_DEFAULT", "af-south-1": "ENABLED"}},
        member_region_statuses={"642399127792": {"us-east-1": "ENABLED_BY_DEFAULT", "af-south-1": "DISABLING"},
                                "777788889999": {"us-east-1": "ENABLED_BY_DEFAULT", "af-south-1": "DISABLED"}},
    )
    problems = action.live_problems(args, accounts, resolved)
    assert problems == [
        "host 'management' (account 123456789012): aws_account_id: the controller's credentials belong to account "
        "210987654321, not to the declared management account 123456789012",
        "host 'outside-01' (account 990000000001): radiant_assume_role_name: cannot assume "
        "arn:aws:iam::990000000001:role/X: no",
        "host 'log-archive' (account 035214638394): radiant_regions: region af-south-1 is not enabled in account "
        "035214638394 (status DISABLED); enable it under Account > AWS Regions or remove it from radiant_regions",
        "host 'member-0001' (account 642399127792): radiant_regions: region af-south-1 is not enabled in account "
        "642399127792 (status DISABLING); enable it under Account > AWS Regions or remove it from radiant_regions",
        "organization account 777788889999 (no inventory host): radiant_regions: region af-south-1 is not enabled "
        "in account 777788889999 (status DISABLED); enable it under Account > AWS Regions or remove it from "
        "radiant_regions",
    ]


def test_a_matching_caller_and_enabled_regions_are_no_problem():
    accounts = action.collect_accounts(["management"], HOSTVARS, GROUPS)
    args = _args(caller_account_id="123456789012",
                 region_statuses={"management": {"us-east-1": "ENABLED_BY_DEFAULT", "af-south-1": "ENABLED"}})
    assert action.live_problems(args, accounts, {"management_account_id": "123456789012"}) == []


def test_two_thousand_accounts_validate_without_problems():
    groups = {"all": [], "management_account": ["management"], "log_account": ["log"], "organization_members": []}
    hostvars = {"management": {"aws_account_id": "123456789012"}, "log": {"aws_account_id": "100000000000"}}
    for index in range(2000):
        host = "member-{0:04d}".format(index)
        groups["organization_members"].append(host)
        hostvars[host] = {"aws_account_id": str(200000000000 + index), "aws_account_email": host + "@example.test"}
    groups["all"] = ["management", "log"] + groups["organization_members"]
    accounts = action.collect_accounts(groups["all"], hostvars, groups)
    problems, _resolved = action.iv.validate_inventory(accounts, {
        "regions": ["us-east-1"], "company_name": "acme",
        "bucket_names": {"radiant_findings_bucket_name": "acme-guardduty-radiantsecurity"},
        "external_id": "rs-1234"})
    assert problems == []
    assert len(accounts) == 2002


def test_known_regions_come_from_botocore_per_partition():
    known = action.known_regions()
    assert "us-east-1" in known["aws"]
    assert "cn-north-1" in known["aws-cn"]
    assert "us-east-9" not in [region for regions in known.values() for region in regions]


def test_live_problems_check_the_inventory_against_organizations():
    accounts = action.collect_accounts(["management", "log-archive", "outside-01"], HOSTVARS, GROUPS)
    organization = [{"id": "123456789012", "name": "management", "status": "ACTIVE"},
                    {"id": "035214638394", "name": "log-archive", "status": "ACTIVE"},
                    {"id": "990000000001", "name": "really-a-member", "status": "ACTIVE"}]
    args = _args(organization_accounts=organization)
    assert action.live_problems(args, accounts, {"guardduty_admin_account_id": "035214638394"}) == [
        "host 'outside-01' (account 990000000001): aws_account_id 990000000001 is a member of the organization "
        "(Organizations lists it as 'really-a-member'); remove it from outside_accounts: GuardDuty enrols it as an "
        "organization member"]


def test_every_phase_role_has_an_argument_spec_the_static_check_reads():
    for role in ("org_trail", "guardduty_org", "findings_export", "sns_wiring", "radiant_iam",
                 "cross_account_logging"):
        assert action.os.path.exists(action.os.path.join(action.ROLES_DIR, role, "meta", "argument_specs.yml"))


def _static_action():
    from unittest.mock import MagicMock

    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    loader = DataLoader()
    return action.ActionModule(task=MagicMock(), connection=None, play_context=None, loader=loader,
                               templar=Templar(loader=loader), shared_loader_obj=None)


def test_static_settings_read_each_phase_role_as_it_will_run():
    # Without hostvars.raw_get (a plain dict here) the task's own variables are the management host's.
    task_vars = {"groups": GROUPS, "hostvars": HOSTVARS, "playbook_dir": "/tmp",
                 "radiant_regions": "us-east-1,us-west-2", "radiant_company_name": "a" * 37,
                 "radiant_external_id": "rs-1234", "guardduty_org_auto_enable": "ALLL",
                 "outside_accounts_csv_problems": ["x.csv line 2: Email 'y' is not a valid email address"]}
    settings, problems = _static_action()._static_settings(
        {"phase_roles": ["org_trail", "guardduty_org"], "bucket_names": {}}, task_vars)
    assert settings["regions"] == "us-east-1,us-west-2"  # refused by validate_settings, whatever the tags
    assert settings["management_account_id"] == "123456789012"  # the radiant role's default, templated
    assert settings["inventory_problems"] == ["x.csv line 2: Email 'y' is not a valid email address"]
    assert settings["bucket_names"]["org_trail_bucket_name (default radiant_company_name-cloudtrail-radiantsecurity)"] \
        == "a" * 37 + "-cloudtrail-radiantsecurity"  # 64 characters: one too many
    assert problems == ["role guardduty_org: value of guardduty_org_auto_enable must be one of: ALL, NEW, NONE, "
                        "got: ALLL"]


def test_the_module_documents_every_option_the_action_plugin_takes():
    """One argument spec (module_utils/inventory_validation.py) for the module and its action plugin."""
    import ast
    import os

    import yaml

    from ansible_collections.radiant.aws_onboarding.plugins.modules import inventory_preflight as module

    tree = ast.parse(open(os.path.splitext(module.__file__)[0] + ".py").read())
    documentation = next(node.value.value for node in tree.body
                         if isinstance(node, ast.Assign) and node.targets[0].id == "DOCUMENTATION")
    options = yaml.safe_load(documentation)["options"]
    spec = iv.preflight_argument_spec()
    assert sorted(options) == sorted(spec)
    assert all(options[name]["type"] == spec[name]["type"] for name in spec)


@pytest.mark.parametrize("extra, partition", [
    ({}, "aws"),
    ({"radiant_aws_region": "cn-north-1"}, "aws-cn"),
    ({"radiant_partition": "aws-us-gov"}, "aws-us-gov"),
])
def test_the_static_check_evaluates_the_phases_arns_before_the_partition_is_read(extra, partition):
    # radiant_partition is read from STS by the radiant role, after the static checks: until then the
    # phases' ARNs are built in the partition of radiant_aws_region (or the one the user set).
    task_vars = dict({"groups": GROUPS, "hostvars": HOSTVARS, "playbook_dir": "/tmp", "radiant_regions": ["us-east-1"],
                      "radiant_company_name": "acme", "radiant_external_id": "rs-1234"}, **extra)
    static = _static_action()
    settings, problems = static._static_settings({"phase_roles": ["radiant_iam"], "bucket_names": {}}, task_vars)
    assert problems == []
    topics = static._management_context(["radiant_iam"], task_vars)("radiant_iam_sns_topic_arns", "radiant_iam")
    assert topics[0].startswith("arn:{0}:sns:".format(partition))
