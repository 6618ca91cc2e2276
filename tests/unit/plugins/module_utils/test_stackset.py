"""Service-managed StackSet logic without AWS: targets, instance plans, diffs, operations."""

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import stackset as ss
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import WaitTimeout

MANAGEMENT = "123456789012"


class FakeOrganizations:
    """r-root > [ou-a > [ou-a1 > [ou-a1x]], ou-b]; the management account sits in the root."""

    children = {"r-root": ["ou-a", "ou-b"], "ou-a": ["ou-a1"], "ou-a1": ["ou-a1x"], "ou-a1x": [], "ou-b": []}
    accounts = {
        "r-root": [(MANAGEMENT, "ACTIVE")],
        "ou-a": [("111111111111", "ACTIVE")],
        "ou-a1": [("222222222222", "ACTIVE"), ("333333333333", "SUSPENDED")],
        "ou-a1x": [("444444444444", "ACTIVE")],
        "ou-b": [("555555555555", "ACTIVE")],
    }

    def __init__(self):
        self.calls = []

    def list_accounts_for_parent(self, ParentId):
        self.calls.append(("list_accounts_for_parent", ParentId))
        return {"Accounts": [{"Id": a, "Status": s} for a, s in self.accounts[ParentId]]}

    def list_organizational_units_for_parent(self, ParentId):
        self.calls.append(("list_organizational_units_for_parent", ParentId))
        return {"OrganizationalUnits": [{"Id": o, "Name": o} for o in self.children[ParentId]]}

    def list_roots(self):
        self.calls.append(("list_roots", None))
        return {"Roots": [{"Id": "r-root"}]}


def test_an_ou_target_reaches_every_account_in_nested_ous():
    accounts = ss.accounts_under(FakeOrganizations(), ["ou-a"])
    assert accounts == {
        "111111111111": "ACTIVE",
        "222222222222": "ACTIVE",
        "333333333333": "SUSPENDED",
        "444444444444": "ACTIVE",
    }


@pytest.mark.parametrize("targets", [["r-root", "ou-a1"], ["ou-a1", "r-root"]])
def test_overlapping_targets_walk_each_ou_once_whatever_their_order(targets):
    org = FakeOrganizations()
    accounts = ss.accounts_under(org, targets)
    assert len(accounts) == 6
    walked = [parent for operation, parent in org.calls if operation == "list_accounts_for_parent"]
    assert sorted(walked) == sorted(set(walked))


def test_the_root_id_is_the_whole_organization():
    assert ss.organization_root_id(FakeOrganizations()) == "r-root"


def test_state_is_preferred_over_the_deprecated_status():
    assert ss.account_state({"State": "SUSPENDED", "Status": "ACTIVE"}) == "SUSPENDED"
    assert ss.account_state({"Status": "ACTIVE"}) == "ACTIVE"
    # The same from this collection's own record of an account (organizations.account_record).
    assert ss.account_state({"state": "SUSPENDED", "status": "ACTIVE"}) == "SUSPENDED"
    assert ss.account_state({"state": None, "status": "ACTIVE"}) == "ACTIVE"


UNDER_ROOT = {
    MANAGEMENT: "ACTIVE",
    "111111111111": "ACTIVE",
    "222222222222": "ACTIVE",
    "333333333333": "SUSPENDED",
    "444444444444": "ACTIVE",
}


@pytest.mark.parametrize(
    "filter_type, accounts, deployable",
    [
        ("NONE", [], {"111111111111", "222222222222", "444444444444"}),
        ("INTERSECTION", ["111111111111", "999999999999"], {"111111111111"}),
        ("DIFFERENCE", ["111111111111"], {"222222222222", "444444444444"}),
    ],
)
def test_account_filters_and_the_management_account_is_never_a_target(filter_type, accounts, deployable):
    got_deployable, targeted = ss.target_accounts(UNDER_ROOT, filter_type, accounts, MANAGEMENT)
    assert got_deployable == deployable
    assert MANAGEMENT not in targeted
    assert targeted - got_deployable <= {"333333333333"}


def test_plan_adds_missing_pairs_and_purges_only_untargeted_ones():
    existing = {
        ("111111111111", "us-east-1"): "ou-a",
        ("111111111111", "eu-west-1"): "ou-a",  # region no longer wanted
        ("333333333333", "us-east-1"): "ou-a1",  # suspended but still targeted: keep
        ("666666666666", "us-east-1"): "ou-old",  # no longer targeted
    }
    deployable = {"111111111111", "222222222222"}
    targeted = deployable | {"333333333333"}
    missing, extra = ss.plan_instances(existing, deployable, targeted, ["us-east-1", "us-west-2"], purge=True)
    assert missing == {
        ("111111111111", "us-west-2"),
        ("222222222222", "us-east-1"),
        ("222222222222", "us-west-2"),
    }
    assert extra == {("111111111111", "eu-west-1"): "ou-a", ("666666666666", "us-east-1"): "ou-old"}
    _missing, no_purge = ss.plan_instances(existing, deployable, targeted, ["us-east-1"], purge=False)
    assert no_purge == {}


def test_first_deployment_to_a_clean_ou_sends_the_ou_alone():
    under = {"111111111111": "ACTIVE", "222222222222": "ACTIVE"}
    missing = {(a, r) for a in under for r in ("us-east-1", "us-west-2")}
    assert ss.create_requests(missing, ["ou-a"], under, MANAGEMENT) == [
        ({"OrganizationalUnitIds": ["ou-a"], "AccountFilterType": "NONE"}, ["us-east-1", "us-west-2"])
    ]


def test_a_suspended_account_is_excluded_with_difference_when_that_is_shorter():
    missing = {(a, "us-east-1") for a in ("111111111111", "222222222222", "444444444444")}
    assert ss.create_requests(missing, ["r-root"], UNDER_ROOT, MANAGEMENT) == [
        (
            {"OrganizationalUnitIds": ["r-root"], "Accounts": ["333333333333"], "AccountFilterType": "DIFFERENCE"},
            ["us-east-1"],
        )
    ]


def test_a_few_missing_accounts_are_added_with_intersection_grouped_by_regions():
    missing = {("222222222222", "us-east-1"), ("444444444444", "us-west-2"), ("222222222222", "us-west-2")}
    requests = ss.create_requests(missing, ["r-root"], UNDER_ROOT, MANAGEMENT)
    assert requests == [
        (
            {"OrganizationalUnitIds": ["r-root"], "Accounts": ["222222222222"], "AccountFilterType": "INTERSECTION"},
            ["us-east-1", "us-west-2"],
        ),
        (
            {"OrganizationalUnitIds": ["r-root"], "Accounts": ["444444444444"], "AccountFilterType": "INTERSECTION"},
            ["us-west-2"],
        ),
    ]


def test_deletes_name_each_instances_ou_narrowed_to_its_accounts():
    extra = {
        ("111111111111", "eu-west-1"): "ou-a",
        ("222222222222", "eu-west-1"): "ou-a",
        ("666666666666", "us-east-1"): "ou-old",
    }
    assert ss.delete_requests(extra) == [
        (
            {"OrganizationalUnitIds": ["ou-a"], "Accounts": ["111111111111", "222222222222"],
             "AccountFilterType": "INTERSECTION"},
            ["eu-west-1"],
        ),
        (
            {"OrganizationalUnitIds": ["ou-old"], "Accounts": ["666666666666"], "AccountFilterType": "INTERSECTION"},
            ["us-east-1"],
        ),
    ]


def test_delete_all_targets_every_instance_ou_and_region():
    instances = [
        {"Account": "1", "Region": "us-west-2", "OrganizationalUnitId": "ou-b"},
        {"Account": "2", "Region": "us-east-1", "OrganizationalUnitId": "ou-a"},
    ]
    assert ss.delete_all_request(instances) == (
        {"OrganizationalUnitIds": ["ou-a", "ou-b"]}, ["us-east-1", "us-west-2"]
    )
    assert ss.delete_all_request([]) is None


CURRENT = {
    "StackSetName": "radiant",
    "TemplateBody": "Resources: {}\n",
    "Parameters": [
        {"ParameterKey": "ExternalId", "ParameterValue": "abc"},
        {"ParameterKey": "Secret", "ParameterValue": "****"},
        {"ParameterKey": "RoleName", "ParameterValue": "radiant-aws-api-access-role"},
    ],
    "Capabilities": ["CAPABILITY_NAMED_IAM"],
    "Description": "Radiant",
    "Tags": [{"Key": "owner", "Value": "sec"}],
    "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
    "PermissionModel": "SERVICE_MANAGED",
}


def test_nothing_to_update_when_every_managed_property_matches():
    desired = {
        "TemplateBody": "Resources: {}",
        "Parameters": {"ExternalId": "abc", "Secret": "s3cr3t"},
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
        "Description": None,
        "Tags": {"owner": "sec"},
        "AutoDeployment": ss.auto_deployment({"enabled": True, "retain_stacks_on_account_removal": False}),
    }
    assert ss.stack_set_changes(CURRENT, desired) == []


@pytest.mark.parametrize(
    "desired, change",
    [
        ({"TemplateBody": "Resources: {X: 1}"}, "TemplateBody"),
        ({"Parameters": {"ExternalId": "new"}}, "Parameters"),
        ({"Capabilities": ["CAPABILITY_IAM"]}, "Capabilities"),
        ({"Description": "other"}, "Description"),
        ({"Tags": {}}, "Tags"),
        ({"AutoDeployment": {"Enabled": False}}, "AutoDeployment"),
        ({"AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": True}}, "AutoDeployment"),
    ],
)
def test_each_managed_property_change_is_detected(desired, change):
    assert ss.stack_set_changes(CURRENT, desired) == [change]


def test_tags_without_purge_only_add():
    assert ss.stack_set_changes(CURRENT, {"Tags": {}}, purge_tags=False) == []
    request = ss.update_stack_set_request("radiant", CURRENT, {"Tags": {"env": "prod"}}, purge_tags=False)
    assert sorted(t["Key"] for t in request["Tags"]) == ["env", "owner"]


def test_update_request_keeps_unmanaged_template_and_parameters():
    request = ss.update_stack_set_request("radiant", CURRENT, {"Parameters": {"ExternalId": "new"}})
    assert request["UsePreviousTemplate"] is True
    assert "TemplateBody" not in request
    assert request["Parameters"] == [
        {"ParameterKey": "ExternalId", "ParameterValue": "new"},
        {"ParameterKey": "RoleName", "UsePreviousValue": True},
        {"ParameterKey": "Secret", "UsePreviousValue": True},
    ]
    assert request["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert request["Description"] == "Radiant"
    assert "Tags" not in request and "AutoDeployment" not in request


def test_create_request_is_service_managed_with_auto_deployment_off_unless_asked():
    request = ss.create_stack_set_request(
        "radiant", {"TemplateBody": "T", "Parameters": {"B": "2", "A": "1"}, "Capabilities": ["CAPABILITY_NAMED_IAM"]}
    )
    assert request["PermissionModel"] == "SERVICE_MANAGED"
    assert request["AutoDeployment"] == {"Enabled": False}
    assert [p["ParameterKey"] for p in request["Parameters"]] == ["A", "B"]


@pytest.mark.parametrize(
    "value, text", [(True, "true"), (False, "false"), (3, "3"), (["a", "b"], "a,b"), ("x", "x")]
)
def test_parameter_values_become_cloudformation_strings(value, text):
    assert ss.parameter_value(value) == text


def test_operation_preferences_map_to_api_names_and_skip_unset():
    assert ss.operation_preferences(
        {"max_concurrent_percentage": 100, "failure_tolerance_count": 0, "region_order": [], "region_concurrency_type":
         "PARALLEL", "max_concurrent_count": None}
    ) == {"MaxConcurrentPercentage": 100, "FailureToleranceCount": 0, "RegionConcurrencyType": "PARALLEL"}
    assert ss.operation_preferences(None) is None


def test_operation_ids_are_unique_and_valid():
    first, second = ss.new_operation_id("create-instances"), ss.new_operation_id("create-instances")
    assert first != second
    assert len(first) <= 128 and first.replace("-", "").isalnum()


class FakeCloudFormation:
    def __init__(self, statuses, results=()):
        self.statuses = list(statuses)
        self.results = list(results)
        self.described = 0

    def describe_stack_set_operation(self, StackSetName, OperationId, aws_retry=False, **kwargs):
        self.described += 1
        self.kwargs = kwargs
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return {"StackSetOperation": {"OperationId": OperationId, "Status": status}}

    def list_stack_set_operation_results(self, **kwargs):
        return {"Summaries": self.results}


def test_wait_returns_the_finished_operation_backing_off():
    client = FakeCloudFormation(["QUEUED", "RUNNING", "RUNNING", "FAILED"])
    slept = []
    operation = ss.wait_for_operation(client, "radiant", "op-1", timeout=600, call_as="DELEGATED_ADMIN",
                                      sleep=ss.IncreasingSleep(sleep=slept.append))
    assert operation["Status"] == "FAILED"
    assert slept == [1, 2, 4]
    assert client.kwargs == {"CallAs": "DELEGATED_ADMIN"}


def test_wait_is_bounded():
    client = FakeCloudFormation(["RUNNING"])
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    with pytest.raises(WaitTimeout):
        ss.wait_for_operation(client, "radiant", "op-1", timeout=30, sleep=ss.IncreasingSleep(sleep=sleep),
                              clock=lambda: now[0])
    # 1 + 2 + 4 + 8 + 15 = 30 s of sleeping: six looks, then it gives up.
    assert client.described == 6


def test_failures_list_each_account_and_region_that_did_not_succeed():
    client = FakeCloudFormation(
        ["SUCCEEDED"],
        results=[
            {"Account": "111111111111", "Region": "us-east-1", "Status": "SUCCEEDED"},
            {"Account": "222222222222", "Region": "us-east-1", "Status": "FAILED",
             "StatusReason": "Role radiant already exists", "OrganizationalUnitId": "ou-a"},
            {"Account": "222222222222", "Region": "us-west-2", "Status": "CANCELLED"},
        ],
    )
    failures = ss.operation_failures(client, "radiant", "op-1")
    assert [(f["account"], f["region"], f["status"]) for f in failures] == [
        ("222222222222", "us-east-1", "FAILED"), ("222222222222", "us-west-2", "CANCELLED")
    ]
    text = ss.describe_failures(failures)
    assert "222222222222/us-east-1: FAILED (Role radiant already exists)" in text


def test_long_failure_lists_are_cut_with_a_count():
    failures = [{"account": str(n), "region": "r", "status": "FAILED"} for n in range(25)]
    assert ss.describe_failures(failures, limit=20).endswith("... and 5 more")


def test_trusted_access_and_capability_errors_say_what_to_do():
    assert "member.org.stacksets.cloudformation.amazonaws.com" in ss.explain_stackset_error(
        "ValidationError", "You must enable organizations access to operate a service managed stack set", "radiant"
    )
    assert "CAPABILITY_NAMED_IAM" in ss.explain_stackset_error(
        "InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_NAMED_IAM]", "radiant"
    )
    assert ss.explain_stackset_error("ThrottlingException", "slow down", "radiant") is None


def test_outdated_wanted_instances_are_redeployed_others_are_not():
    instances = [
        {"Account": "111111111111", "Region": "us-east-1", "Status": "OUTDATED"},
        {"Account": "111111111111", "Region": "eu-west-1", "Status": "OUTDATED"},  # region not wanted
        {"Account": "222222222222", "Region": "us-east-1", "Status": "CURRENT"},
        {"Account": "333333333333", "Region": "us-east-1", "Status": "INOPERABLE"},  # failed deletion: user's call
        {"Account": "666666666666", "Region": "us-east-1", "Status": "OUTDATED"},  # not a target
    ]
    deployable = {"111111111111", "222222222222", "333333333333"}
    outdated = ss.outdated_pairs(instances, deployable, ["us-east-1"])
    assert outdated == {("111111111111", "us-east-1")}
    assert ss.retry_requests(outdated, ["ou-b", "ou-a"]) == [
        (
            {"OrganizationalUnitIds": ["ou-a", "ou-b"], "Accounts": ["111111111111"],
             "AccountFilterType": "INTERSECTION"},
            ["us-east-1"],
        )
    ]


class FakeOperations:
    """ListStackSetOperations: one list of summaries per call, the last one repeated."""

    def __init__(self, listings):
        self.listings = list(listings)
        self.calls = 0

    def list_stack_set_operations(self, aws_retry=False, **_kwargs):
        self.calls += 1
        return {"Summaries": self.listings.pop(0) if len(self.listings) > 1 else self.listings[0]}


def test_waits_for_an_operation_already_running_and_names_it():
    auto = {"OperationId": "auto-deploy-1", "Action": "CREATE", "Status": "RUNNING"}
    done = dict(auto, Status="SUCCEEDED")
    client = FakeOperations([[auto], [auto], [auto], [done]])
    slept = []
    assert ss.wait_until_idle(client, "radiant", 60, sleep=ss.IncreasingSleep(sleep=slept.append)) == ["auto-deploy-1"]
    assert slept == [1, 2]
    assert ss.wait_until_idle(FakeOperations([[done]]), "radiant", 60) == []


def test_wait_for_a_running_operation_is_bounded_and_says_which():
    client = FakeOperations([[{"OperationId": "auto-deploy-1", "Action": "CREATE", "Status": "RUNNING"}]])
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    with pytest.raises(WaitTimeout, match="auto-deploy-1"):
        ss.wait_until_idle(client, "radiant", 30, sleep=ss.IncreasingSleep(sleep=sleep), clock=lambda: now[0])
