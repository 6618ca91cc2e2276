"""cloudformation_stackset's whole run (module_utils/stackset.py, run_stackset_module) with botocore's
Stubber: the reads, the operations started (each with our OperationId, waited for) and their results."""

import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import stackset as ss

NAME = "radiant-api"
MANAGEMENT = "123456789012"
MEMBERS = ["111111111111", "222222222222"]
TEMPLATE = '{"Resources": {}}'
PARAMS = {"name": NAME, "template_body": TEMPLATE, "parameters": {"ExternalId": "ext"},
          "capabilities": ["CAPABILITY_NAMED_IAM"], "auto_deployment": {"enabled": True},
          "deployment_targets": {"organizational_unit_ids": ["ou-a"]}, "regions": ["us-east-1"]}
SELF = {"StackSetName": NAME, "CallAs": "SELF"}


def module_for(aws_module, check_mode=False, **params):
    return aws_module(ss.stackset_argument_spec(), dict(PARAMS, **params), rules=ss.STACKSET_OPTION_RULES,
                      check_mode=check_mode)


def stack_set(**changes):
    current = {"StackSetName": NAME, "StackSetId": NAME + ":1", "Status": "ACTIVE", "TemplateBody": TEMPLATE,
               "Parameters": [{"ParameterKey": "ExternalId", "ParameterValue": "ext"}],
               "Capabilities": ["CAPABILITY_NAMED_IAM"], "PermissionModel": "SERVICE_MANAGED",
               "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
               "OrganizationalUnitIds": ["ou-a"]}
    current.update(changes)
    return current


def instance(account, status="CURRENT"):
    return {"StackSetId": NAME + ":1", "Region": "us-east-1", "Account": account, "Status": status,
            "OrganizationalUnitId": "ou-a"}


def expect_organization(organizations):
    accounts = [{"Id": account, "State": "ACTIVE"} for account in MEMBERS]
    # walk_tree reads a parent's child OUs before its accounts.
    organizations.add_response("list_organizational_units_for_parent", {"OrganizationalUnits": []},
                               {"ParentId": "ou-a"})
    organizations.add_response("list_accounts_for_parent", {"Accounts": accounts}, {"ParentId": "ou-a"})
    organizations.add_response("describe_organization",
                               {"Organization": {"Id": "o-abc", "MasterAccountId": MANAGEMENT}})


def expect_stack_set(cloudformation, current, instances):
    cloudformation.add_response("describe_stack_set", {"StackSet": current}, SELF)
    cloudformation.add_response("list_stack_instances", {"Summaries": instances}, SELF)


def expect_operation(cloudformation, call, request, status="SUCCEEDED", failures=()):
    cloudformation.add_response("list_stack_set_operations", {"Summaries": []}, SELF)
    cloudformation.add_response(call, {"OperationId": "op"}, dict(request, OperationId=ANY, **SELF))
    cloudformation.add_response("describe_stack_set_operation", {"StackSetOperation": {
        "OperationId": "op", "Action": "CREATE", "Status": status}}, dict(SELF, OperationId=ANY))
    cloudformation.add_response("list_stack_set_operation_results", {"Summaries": list(failures)},
                                dict(SELF, OperationId=ANY))


def run(module):
    with Stubber(module.stub("cloudformation")) as cloudformation, \
            Stubber(module.stub("organizations")) as organizations:
        yield cloudformation, organizations
        cloudformation.assert_no_pending_responses()
        organizations.assert_no_pending_responses()


def test_first_run_creates_the_stack_set_then_the_ous_instances_in_one_operation(aws_module):
    module = module_for(aws_module)
    for cloudformation, organizations in run(module):
        cloudformation.add_client_error("describe_stack_set", "StackSetNotFoundException", "not found",
                                        expected_params=SELF)
        expect_organization(organizations)
        cloudformation.add_response("create_stack_set", {"StackSetId": NAME + ":1"}, dict(
            SELF, ClientRequestToken=ANY, PermissionModel="SERVICE_MANAGED", TemplateBody=TEMPLATE,
            Parameters=[{"ParameterKey": "ExternalId", "ParameterValue": "ext"}], Capabilities=["CAPABILITY_NAMED_IAM"],
            AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False}))
        expect_operation(cloudformation, "create_stack_instances", {
            "DeploymentTargets": {"OrganizationalUnitIds": ["ou-a"], "AccountFilterType": "NONE"},
            "Regions": ["us-east-1"]})
        expect_stack_set(cloudformation, stack_set(), [instance(a) for a in MEMBERS])
        result = ss.run_stackset_module(module)
    assert result["changed"] is True
    assert [(op["action"], op["status"]) for op in result["operations"]] == [("CREATE", "SUCCEEDED")]
    assert result["diff"]["before"]["instances"] == {}
    assert result["diff"]["after"]["instances"] == {"us-east-1": MEMBERS}


def test_a_converged_stack_set_is_only_read(aws_module):
    module = module_for(aws_module)
    for cloudformation, organizations in run(module):
        expect_stack_set(cloudformation, stack_set(), [instance(a) for a in MEMBERS])
        expect_organization(organizations)
        result = ss.run_stackset_module(module)
    assert result["changed"] is False and result["operations"] == []


def test_check_mode_reports_the_missing_instance_and_writes_nothing(aws_module):
    module = module_for(aws_module, check_mode=True)
    for cloudformation, organizations in run(module):
        expect_stack_set(cloudformation, stack_set(), [instance(MEMBERS[0])])
        expect_organization(organizations)
        result = ss.run_stackset_module(module)
    assert result["changed"] is True
    statuses = [(i["account"], i["status"]) for i in result["instances"]]
    assert statuses == [(MEMBERS[0], "CURRENT"), (MEMBERS[1], "PENDING")]


def test_an_operation_started_meanwhile_is_waited_for_and_named(aws_module):
    module = module_for(aws_module)
    request = {"DeploymentTargets": {"OrganizationalUnitIds": ["ou-a"], "Accounts": [MEMBERS[1]],
                                     "AccountFilterType": "INTERSECTION"}, "Regions": ["us-east-1"]}
    for cloudformation, organizations in run(module):
        expect_stack_set(cloudformation, stack_set(), [instance(MEMBERS[0])])
        expect_organization(organizations)
        cloudformation.add_response("list_stack_set_operations", {"Summaries": []}, SELF)
        cloudformation.add_client_error("create_stack_instances", "OperationInProgressException", "busy",
                                        expected_params=dict(request, OperationId=ANY, **SELF))
        # An auto-deployment started between the check and the call: wait for it, then start ours again.
        cloudformation.add_response("list_stack_set_operations", {"Summaries": [
            {"OperationId": "auto-1", "Action": "CREATE", "Status": "RUNNING"}]}, SELF)
        cloudformation.add_response("list_stack_set_operations", {"Summaries": [
            {"OperationId": "auto-1", "Action": "CREATE", "Status": "SUCCEEDED"}]}, SELF)
        cloudformation.add_response("create_stack_instances", {"OperationId": "op"},
                                    dict(request, OperationId=ANY, **SELF))
        cloudformation.add_response("describe_stack_set_operation", {"StackSetOperation": {
            "OperationId": "op", "Action": "CREATE", "Status": "SUCCEEDED"}}, dict(SELF, OperationId=ANY))
        cloudformation.add_response("list_stack_set_operation_results", {"Summaries": []}, dict(SELF, OperationId=ANY))
        expect_stack_set(cloudformation, stack_set(), [instance(a) for a in MEMBERS])
        result = ss.run_stackset_module(module)
    assert result["operations"][0]["waited_for"] == ["auto-1"]


def test_a_failed_operation_fails_the_module_naming_each_account_and_region(aws_module):
    module = module_for(aws_module)
    failure = {"Account": MEMBERS[1], "Region": "us-east-1", "Status": "FAILED", "StatusReason": "role exists",
               "OrganizationalUnitId": "ou-a"}
    for cloudformation, organizations in run(module):
        expect_stack_set(cloudformation, stack_set(), [instance(MEMBERS[0])])
        expect_organization(organizations)
        targets = {"OrganizationalUnitIds": ["ou-a"], "Accounts": [MEMBERS[1]], "AccountFilterType": "INTERSECTION"}
        expect_operation(cloudformation, "create_stack_instances",
                         {"DeploymentTargets": targets, "Regions": ["us-east-1"]}, status="FAILED", failures=[failure])
        with pytest.raises(module.Failed) as failed:
            ss.run_stackset_module(module)
    assert "ended FAILED: 222222222222/us-east-1: FAILED (role exists)" in failed.value.result["msg"]
    assert failed.value.result["operations"][0]["failures"][0]["account"] == MEMBERS[1]


def test_trusted_access_off_is_explained(aws_module):
    module = module_for(aws_module)
    for cloudformation, organizations in run(module):
        cloudformation.add_client_error("describe_stack_set", "StackSetNotFoundException", "not found",
                                        expected_params=SELF)
        expect_organization(organizations)
        cloudformation.add_client_error("create_stack_set", "ValidationError",
                                        "You must enable organizations access to operate a service managed stack set",
                                        expected_params=dict(
                                            SELF, ClientRequestToken=ANY, PermissionModel="SERVICE_MANAGED",
                                            TemplateBody=TEMPLATE, Parameters=ANY, Capabilities=ANY,
                                            AutoDeployment=ANY))
        with pytest.raises(module.Failed) as failed:
            ss.run_stackset_module(module)
    assert failed.value.result["msg"].startswith("Failed to create stack set {0}: Trusted access".format(NAME))


# The organization as organizations_info returns it: the run's one read, handed to the module.
KNOWN_ORGANIZATION = {
    "root_id": "r-root",
    "organization": {"id": "o-abc", "management_account_id": MANAGEMENT},
    "accounts": [
        {"id": MANAGEMENT, "status": "ACTIVE", "state": "ACTIVE", "ou_ids": []},
        {"id": MEMBERS[0], "status": "ACTIVE", "state": None, "ou_ids": ["ou-a"]},
        {"id": MEMBERS[1], "status": "ACTIVE", "state": "ACTIVE", "ou_ids": ["ou-a", "ou-a1"]},
        {"id": "333333333333", "status": "SUSPENDED", "state": "SUSPENDED", "ou_ids": ["ou-a"]},
        {"id": "444444444444", "status": "ACTIVE", "state": "ACTIVE", "ou_ids": ["ou-b"]},
    ],
}


def test_accounts_known_under_an_ou_include_nested_ous_and_the_root_reaches_all():
    assert ss.accounts_known_under(KNOWN_ORGANIZATION, ["ou-a"]) == {
        MEMBERS[0]: "ACTIVE", MEMBERS[1]: "ACTIVE", "333333333333": "SUSPENDED"}
    assert ss.accounts_known_under(KNOWN_ORGANIZATION, ["ou-a1"]) == {MEMBERS[1]: "ACTIVE"}
    assert len(ss.accounts_known_under(KNOWN_ORGANIZATION, ["r-root"])) == 5


def test_an_organization_read_earlier_spares_every_organizations_call(aws_module):
    """The same converged stack set as above, with the organization given: only CloudFormation is asked."""
    module = module_for(aws_module, organization=KNOWN_ORGANIZATION)
    for cloudformation, _organizations in run(module):
        expect_stack_set(cloudformation, stack_set(), [instance(a) for a in MEMBERS])
        result = ss.run_stackset_module(module)
    assert result["changed"] is False and result["operations"] == []


def test_an_organization_read_earlier_still_finds_the_missing_instance(aws_module):
    module = module_for(aws_module, check_mode=True, organization=KNOWN_ORGANIZATION)
    for cloudformation, _organizations in run(module):
        expect_stack_set(cloudformation, stack_set(), [instance(MEMBERS[0])])
        result = ss.run_stackset_module(module)
    assert result["changed"] is True
    assert [(i["account"], i["status"]) for i in result["instances"]] == [
        (MEMBERS[0], "CURRENT"), (MEMBERS[1], "PENDING")]
