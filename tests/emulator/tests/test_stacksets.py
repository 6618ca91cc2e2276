"""Service-managed StackSets: trusted access, nested OUs, filters, auto-deployment, operations."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from shapecheck import check_shape

MANAGEMENT = "123456789012"
PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"
ROLE = "radiant-aws-api-access-role"
POLICY = "radiant-aws-api-access-policy"
# The shape of docs/requirements.md#api-access-role: a read-only managed policy and the role that uses it, trusted with
# an ExternalId.
TEMPLATE = json.dumps({
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"ExternalId": {"Type": "String"}},
    "Resources": {
        "Policy": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "ManagedPolicyName": POLICY,
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "Account", "Effect": "Allow", "Action": ["account:GetAccountInformation"], "Resource": "*"},
                ]},
            },
        },
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": ROLE,
                "ManagedPolicyArns": [{"Ref": "Policy"}],
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Principal": {"AWS": "arn:aws:iam::649384204969:root"},
                        "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}},
                    }],
                },
            },
        },
    },
})
REGIONS = ["us-east-1", "us-west-2"]
# IAM is global: a template with a named role deploys to one region per account.
ROLE_REGIONS = ["us-east-1"]


STARTS_OPERATION = {"CreateStackInstances", "UpdateStackInstances", "DeleteStackInstances", "UpdateStackSet"}


def wait_for_stack_set(cfn, name, timeout=30.0, **call_as):
    """Until no operation of the stack set is RUNNING (operations are asynchronous, as on AWS)."""
    deadline = time.monotonic() + timeout
    while True:
        summaries = cfn.list_stack_set_operations(StackSetName=name, **call_as)["Summaries"]
        if not any(op["Status"] == "RUNNING" for op in summaries) or time.monotonic() > deadline:
            return summaries
        time.sleep(0.1)


@pytest.fixture
def aws(aws):
    """Clients whose StackSet calls wait for the operation they start, as a careful client does
    (the operations themselves stay asynchronous: test_operations_are_asynchronous_and_exclusive)."""

    def remember(params, context, **_kwargs):
        context["radiant_stack_set"] = (params.get("StackSetName"), params.get("CallAs"))

    def settle(client):
        def after_call(parsed, model, context, **_kwargs):
            name, call_as = context.get("radiant_stack_set", (None, None))
            if model.name in STARTS_OPERATION and "Error" not in parsed:
                wait_for_stack_set(client, name, **({"CallAs": call_as} if call_as else {}))
        return after_call

    def factory(service, region="us-east-1", account=None):
        client = aws(service, region, account)
        if service == "cloudformation":
            client.meta.events.register("before-parameter-build.cloudformation", remember)
            client.meta.events.register("after-call.cloudformation", settle(client))
        return client

    return factory


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


@pytest.fixture
def org(aws):
    """root -> Workloads -> Prod -> Web (web), Workloads -> NonProd (nonprod), Sandbox (sandbox)."""
    organizations = aws("organizations")
    organizations.create_organization(FeatureSet="ALL")
    root = organizations.list_roots()["Roots"][0]["Id"]

    def ou(parent, name):
        return organizations.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    ous = {"root": root, "Workloads": ou(root, "Workloads"), "Sandbox": ou(root, "Sandbox")}
    ous["Prod"] = ou(ous["Workloads"], "Prod")
    ous["Web"] = ou(ous["Prod"], "Web")
    ous["NonProd"] = ou(ous["Workloads"], "NonProd")

    def account(name, parent):
        account_id = organizations.create_account(AccountName=name, Email=f"{name}@example.test")[
            "CreateAccountStatus"]["AccountId"]
        organizations.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=ous[parent])
        return account_id

    accounts = {"web": account("web", "Web"), "nonprod": account("nonprod", "NonProd"),
                "sandbox": account("sandbox", "Sandbox")}
    return {"organizations": organizations, "ous": ous, "accounts": accounts, "root": root}


def _stack_set(cfn, name="radiant-api-access", auto=True, retain=False, call_as="SELF"):
    return cfn.create_stack_set(
        StackSetName=name, TemplateBody=TEMPLATE, PermissionModel="SERVICE_MANAGED", CallAs=call_as,
        Parameters=[{"ParameterKey": "ExternalId", "ParameterValue": "ext-1"}], Capabilities=["CAPABILITY_NAMED_IAM"],
        AutoDeployment={"Enabled": auto, "RetainStacksOnAccountRemoval": retain},
    )


def _role_exists(aws, account):
    try:
        aws("iam", account=account).get_role(RoleName=ROLE)
        return True
    except ClientError as error:
        assert error.response["Error"]["Code"] == "NoSuchEntity"
        return False


def _instances(cfn, name="radiant-api-access", **kwargs):
    pages = cfn.get_paginator("list_stack_instances").paginate(StackSetName=name, **kwargs)
    return {(i["Account"], i["Region"]): i for page in pages for i in page["Summaries"]}


def test_service_managed_needs_trusted_access_and_management_account(aws, org):
    cfn = aws("cloudformation")
    with pytest.raises(ClientError) as excinfo:
        _stack_set(cfn)
    assert error_of(excinfo) == ("ValidationError", "You must enable organizations access to operate a service "
                                 "managed stack set")
    assert cfn.describe_organizations_access()["Status"] == "DISABLED"
    assert check_shape("cloudformation", "ActivateOrganizationsAccess", cfn.activate_organizations_access()) == []
    described = cfn.describe_organizations_access()
    assert check_shape("cloudformation", "DescribeOrganizationsAccess", described) == []
    assert described["Status"] == "ENABLED"
    services = org["organizations"].list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert PRINCIPAL in {s["ServicePrincipal"] for s in services}

    member = aws("cloudformation", account=org["accounts"]["web"])
    with pytest.raises(ClientError) as excinfo:
        _stack_set(member)
    assert error_of(excinfo) == ("ValidationError", "You must be the management account or delegated admin account "
                                 "of an organization before operating a SERVICE_MANAGED stack set")


def test_nested_ou_deployment_with_client_operation_id(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    created = _stack_set(cfn)
    assert check_shape("cloudformation", "CreateStackSet", created) == []
    response = cfn.create_stack_instances(
        StackSetName="radiant-api-access", DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Workloads"]]},
        Regions=ROLE_REGIONS, OperationId="op-create-1",
        OperationPreferences={"FailureToleranceCount": 0, "MaxConcurrentCount": 10},
    )
    assert check_shape("cloudformation", "CreateStackInstances", response) == []
    assert response["OperationId"] == "op-create-1"

    operation = cfn.describe_stack_set_operation(StackSetName="radiant-api-access", OperationId="op-create-1")
    assert check_shape("cloudformation", "DescribeStackSetOperation", operation) == []
    assert operation["StackSetOperation"]["Status"] == "SUCCEEDED"
    assert operation["StackSetOperation"]["Action"] == "CREATE"
    results = cfn.list_stack_set_operation_results(StackSetName="radiant-api-access", OperationId="op-create-1")
    assert check_shape("cloudformation", "ListStackSetOperationResults", results) == []
    reached = {(r["Account"], r["Region"]) for r in results["Summaries"]}
    # Web sits two levels under Workloads; Sandbox and the management account are not reached.
    expected = {(org["accounts"][a], r) for a in ("web", "nonprod") for r in ROLE_REGIONS}
    assert reached == expected
    assert {r["Status"] for r in results["Summaries"]} == {"SUCCEEDED"}

    assert set(_instances(cfn)) == expected
    instance = cfn.describe_stack_instance(StackSetName="radiant-api-access",
                                           StackInstanceAccount=org["accounts"]["web"], StackInstanceRegion="us-east-1")
    assert check_shape("cloudformation", "DescribeStackInstance", instance) == []
    assert instance["StackInstance"]["Status"] == "CURRENT"
    listed = cfn.list_stack_instances(StackSetName="radiant-api-access")
    assert check_shape("cloudformation", "ListStackInstances", listed) == []
    described = cfn.describe_stack_set(StackSetName="radiant-api-access")
    assert check_shape("cloudformation", "DescribeStackSet", described) == []
    assert described["StackSet"]["OrganizationalUnitIds"] == [org["ous"]["Workloads"]]
    assert described["StackSet"]["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    targets = cfn.list_stack_set_auto_deployment_targets(StackSetName="radiant-api-access")
    assert check_shape("cloudformation", "ListStackSetAutoDeploymentTargets", targets) == []
    assert targets["Summaries"] == [{"OrganizationalUnitId": org["ous"]["Workloads"], "Regions": ROLE_REGIONS}]

    assert _role_exists(aws, org["accounts"]["web"])
    assert _role_exists(aws, org["accounts"]["nonprod"])
    web_iam = aws("iam", account=org["accounts"]["web"])
    attached = web_iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == [POLICY]
    trust = web_iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"sts:ExternalId": "ext-1"}}
    assert not _role_exists(aws, org["accounts"]["sandbox"])
    assert not _role_exists(aws, MANAGEMENT)

    operations = cfn.list_stack_set_operations(StackSetName="radiant-api-access")
    assert check_shape("cloudformation", "ListStackSetOperations", operations) == []
    assert [op["OperationId"] for op in operations["Summaries"]] == ["op-create-1"]


def test_root_target_never_reaches_management_account(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn)
    cfn.create_stack_instances(StackSetName="radiant-api-access", Regions=["us-east-1"],
                               DeploymentTargets={"OrganizationalUnitIds": [org["root"]]})
    accounts = {account for account, _region in _instances(cfn)}
    assert accounts == set(org["accounts"].values())


@pytest.mark.parametrize(
    ("filter_type", "listed", "expected"),
    [
        ("INTERSECTION", ["web", "sandbox"], {"web"}),
        ("DIFFERENCE", ["web"], {"nonprod"}),
        ("UNION", ["sandbox"], {"web", "nonprod", "sandbox"}),
    ],
)
def test_account_filters(aws, org, filter_type, listed, expected):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn)
    cfn.create_stack_instances(
        StackSetName="radiant-api-access", Regions=["us-east-1"],
        DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Workloads"]], "AccountFilterType": filter_type,
                           "Accounts": [org["accounts"][name] for name in listed]},
    )
    assert {account for account, _region in _instances(cfn)} == {org["accounts"][name] for name in expected}


def test_operation_id_is_idempotent_and_unique_per_action(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn)
    targets = {"OrganizationalUnitIds": [org["ous"]["NonProd"]]}
    for _attempt in range(2):
        cfn.create_stack_instances(StackSetName="radiant-api-access", DeploymentTargets=targets,
                                   Regions=["us-east-1"], OperationId="same-op")
    assert len(cfn.list_stack_set_operations(StackSetName="radiant-api-access")["Summaries"]) == 1
    with pytest.raises(ClientError) as excinfo:
        cfn.delete_stack_instances(StackSetName="radiant-api-access", DeploymentTargets=targets,
                                   Regions=["us-east-1"], RetainStacks=False, OperationId="same-op")
    assert error_of(excinfo)[0] == "OperationIdAlreadyExistsException"


@pytest.mark.parametrize("retain", [False, True])
def test_auto_deployment_follows_accounts(aws, org, retain):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn, retain=retain)
    cfn.create_stack_instances(StackSetName="radiant-api-access", Regions=ROLE_REGIONS,
                               DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Workloads"]]})
    organizations = org["organizations"]
    newcomer = organizations.create_account(AccountName="new", Email="new@example.test")[
        "CreateAccountStatus"]["AccountId"]
    assert not any(account == newcomer for account, _region in _instances(cfn))  # still in the root
    organizations.move_account(AccountId=newcomer, SourceParentId=org["root"], DestinationParentId=org["ous"]["Web"])
    assert {(newcomer, region) for region in ROLE_REGIONS} <= set(_instances(cfn))
    assert _role_exists(aws, newcomer)

    organizations.move_account(AccountId=newcomer, SourceParentId=org["ous"]["Web"],
                               DestinationParentId=org["ous"]["Sandbox"])
    assert not any(account == newcomer for account, _region in _instances(cfn))
    assert _role_exists(aws, newcomer) is retain


def test_without_auto_deployment_new_accounts_are_not_reached(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn, auto=False)
    cfn.create_stack_instances(StackSetName="radiant-api-access", Regions=["us-east-1"],
                               DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Workloads"]]})
    organizations = org["organizations"]
    newcomer = organizations.create_account(AccountName="new", Email="new@example.test")[
        "CreateAccountStatus"]["AccountId"]
    organizations.move_account(AccountId=newcomer, SourceParentId=org["root"], DestinationParentId=org["ous"]["Web"])
    assert not any(account == newcomer for account, _region in _instances(cfn))


def test_update_then_delete_by_deployment_targets_then_stack_set(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn)
    targets = {"OrganizationalUnitIds": [org["ous"]["Workloads"]]}
    cfn.create_stack_instances(StackSetName="radiant-api-access", DeploymentTargets=targets, Regions=["us-east-1"])

    template = json.loads(TEMPLATE)
    template["Resources"]["Extra"] = {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "radiant-extra", "AssumeRolePolicyDocument": template["Resources"]["Role"]["Properties"][
            "AssumeRolePolicyDocument"]}}
    updated = cfn.update_stack_set(StackSetName="radiant-api-access", TemplateBody=json.dumps(template),
                                   Parameters=[{"ParameterKey": "ExternalId", "UsePreviousValue": True}],
                                   OperationId="op-update", Capabilities=["CAPABILITY_NAMED_IAM"])
    assert check_shape("cloudformation", "UpdateStackSet", updated) == []
    assert updated["OperationId"] == "op-update"
    aws("iam", account=org["accounts"]["web"]).get_role(RoleName="radiant-extra")
    parameters = cfn.describe_stack_set(StackSetName="radiant-api-access")["StackSet"]["Parameters"]
    assert parameters == [{"ParameterKey": "ExternalId", "ParameterValue": "ext-1"}]

    with pytest.raises(ClientError) as excinfo:
        cfn.delete_stack_set(StackSetName="radiant-api-access")
    assert error_of(excinfo)[0] == "StackSetNotEmptyException"

    deleted = cfn.delete_stack_instances(StackSetName="radiant-api-access", DeploymentTargets=targets,
                                         Regions=["us-east-1"], RetainStacks=False, OperationId="op-delete")
    assert check_shape("cloudformation", "DeleteStackInstances", deleted) == []
    assert deleted["OperationId"] == "op-delete"
    assert _instances(cfn) == {}
    assert not _role_exists(aws, org["accounts"]["web"])
    assert aws("iam", account=org["accounts"]["web"]).list_policies(Scope="Local")["Policies"] == []
    op = cfn.describe_stack_set_operation(StackSetName="radiant-api-access", OperationId="op-delete")
    assert op["StackSetOperation"]["Action"] == "DELETE"

    removed = cfn.delete_stack_set(StackSetName="radiant-api-access")
    assert check_shape("cloudformation", "DeleteStackSet", removed) == []
    with pytest.raises(ClientError) as excinfo:
        cfn.describe_stack_set(StackSetName="radiant-api-access")
    assert error_of(excinfo)[0] == "StackSetNotFoundException"


def test_delegated_admin_call_as(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    security = org["accounts"]["nonprod"]
    org["organizations"].register_delegated_administrator(AccountId=security, ServicePrincipal=PRINCIPAL)
    delegated = aws("cloudformation", account=security)
    with pytest.raises(ClientError) as excinfo:
        _stack_set(delegated)  # CallAs SELF from a member account
    assert error_of(excinfo)[0] == "ValidationError"
    _stack_set(delegated, call_as="DELEGATED_ADMIN")
    delegated.create_stack_instances(StackSetName="radiant-api-access", CallAs="DELEGATED_ADMIN",
                                     Regions=["us-east-1"],
                                     DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Prod"]]})
    assert set(_instances(delegated, CallAs="DELEGATED_ADMIN")) == {(org["accounts"]["web"], "us-east-1")}
    listed = delegated.list_stack_sets(CallAs="DELEGATED_ADMIN")
    assert check_shape("cloudformation", "ListStackSets", listed) == []
    assert [s["StackSetName"] for s in listed["Summaries"]] == ["radiant-api-access"]

    outsider = aws("cloudformation", account=org["accounts"]["web"])
    with pytest.raises(ClientError) as excinfo:
        outsider.list_stack_sets(CallAs="DELEGATED_ADMIN")
    assert error_of(excinfo)[0] == "ValidationError"


def test_self_managed_stack_set_targets_accounts(aws, org):
    cfn = aws("cloudformation")
    cfn.create_stack_set(StackSetName="self-managed", TemplateBody=TEMPLATE,
                         Parameters=[{"ParameterKey": "ExternalId", "ParameterValue": "x"}],
                         Capabilities=["CAPABILITY_NAMED_IAM"])
    cfn.create_stack_instances(StackSetName="self-managed", Accounts=[org["accounts"]["sandbox"]],
                               Regions=["us-east-1"])
    assert set(_instances(cfn, name="self-managed")) == {(org["accounts"]["sandbox"], "us-east-1")}
    assert _role_exists(aws, org["accounts"]["sandbox"])
    described = cfn.describe_stack_set(StackSetName="self-managed")["StackSet"]
    assert described["PermissionModel"] == "SELF_MANAGED"


def test_multi_region_results_and_per_account_failures(aws, org):
    """A regional resource deploys in every region; a named IAM role (global) fails in the
    second region of each account, and the operation reports it per account and region."""
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    topic_template = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic",
                                                         "Properties": {"TopicName": "radiant-regional"}}}})
    cfn.create_stack_set(StackSetName="regional", TemplateBody=topic_template, PermissionModel="SERVICE_MANAGED",
                         AutoDeployment={"Enabled": False})
    cfn.create_stack_instances(StackSetName="regional", Regions=REGIONS, OperationId="regional-op",
                               DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["NonProd"]]})
    assert cfn.describe_stack_set_operation(StackSetName="regional", OperationId="regional-op")[
        "StackSetOperation"]["Status"] == "SUCCEEDED"
    for region in REGIONS:
        topics = aws("sns", region=region, account=org["accounts"]["nonprod"]).list_topics()["Topics"]
        assert [t["TopicArn"].rsplit(":", 1)[-1] for t in topics] == ["radiant-regional"]

    _stack_set(cfn)
    cfn.create_stack_instances(StackSetName="radiant-api-access", Regions=REGIONS, OperationId="role-op",
                               DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["NonProd"]]})
    operation = cfn.describe_stack_set_operation(StackSetName="radiant-api-access", OperationId="role-op")
    assert operation["StackSetOperation"]["Status"] == "FAILED"
    assert operation["StackSetOperation"]["StatusDetails"]["FailedStackInstancesCount"] == 1
    failed = cfn.list_stack_set_operation_results(
        StackSetName="radiant-api-access", OperationId="role-op",
        Filters=[{"Name": "OPERATION_RESULT_STATUS", "Values": "FAILED"}],
    )["Summaries"]
    assert [(r["Account"], r["Region"]) for r in failed] == [(org["accounts"]["nonprod"], "us-west-2")]
    assert "already exists" in failed[0]["StatusReason"]
    instance = _instances(cfn)[(org["accounts"]["nonprod"], "us-west-2")]
    assert (instance["Status"], instance["StackInstanceStatus"]["DetailedStatus"]) == ("OUTDATED", "FAILED")


def test_failure_tolerance_per_region(aws, org):
    """One account of two fails in us-west-2 (the role exists already): within a 50% tolerance
    the operation succeeds, with no tolerance it fails."""
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn)
    aws("iam", account=org["accounts"]["nonprod"]).create_role(
        RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
    )
    cfn.create_stack_instances(StackSetName="radiant-api-access", Regions=["us-east-1"], OperationId="tolerant",
                               DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Workloads"]]},
                               OperationPreferences={"FailureTolerancePercentage": 50})
    operation = cfn.describe_stack_set_operation(StackSetName="radiant-api-access", OperationId="tolerant")
    assert operation["StackSetOperation"]["Status"] == "SUCCEEDED"
    assert operation["StackSetOperation"]["StatusDetails"]["FailedStackInstancesCount"] == 1
    cfn.update_stack_set(StackSetName="radiant-api-access", UsePreviousTemplate=True, OperationId="strict",
                         Parameters=[{"ParameterKey": "ExternalId", "UsePreviousValue": True}],
                         Capabilities=["CAPABILITY_NAMED_IAM"])
    operation = cfn.describe_stack_set_operation(StackSetName="radiant-api-access", OperationId="strict")
    assert operation["StackSetOperation"]["Status"] == "FAILED"
    # The failed creation was rolled back: nothing of the template is left in that account.
    policies = aws("iam", account=org["accounts"]["nonprod"]).list_policies(Scope="Local")["Policies"]
    assert policies == []
    assert _role_exists(aws, org["accounts"]["nonprod"])  # the account's own role is untouched


def test_account_leaving_the_organization_loses_its_instances(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn)
    cfn.create_stack_instances(StackSetName="radiant-api-access", Regions=ROLE_REGIONS,
                               DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Workloads"]]})
    leaving = org["accounts"]["nonprod"]
    org["organizations"].remove_account_from_organization(AccountId=leaving)
    assert not any(account == leaving for account, _region in _instances(cfn))
    assert not _role_exists(aws, leaving)
    assert _role_exists(aws, org["accounts"]["web"])


def test_inline_role_policy_is_kept_as_json(aws):
    # AWS::IAM::Role "Policies": IAM stores the JSON document; GetRolePolicy returns it (moto stored a repr).
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Account", "Effect": "Allow", "Action": ["account:GetAccountInformation"], "Resource": ["*"]}]}
    template = {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "inline-policy-role",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::649384204969:root"}}]},
        "Policies": [{"PolicyName": "inline", "PolicyDocument": document}],
    }}}}
    aws("cloudformation").create_stack(StackName="inline-policy", TemplateBody=json.dumps(template),
                                       Capabilities=["CAPABILITY_NAMED_IAM"])
    stored = aws("iam").get_role_policy(RoleName="inline-policy-role", PolicyName="inline")["PolicyDocument"]
    assert stored == document


def test_operations_are_asynchronous_and_exclusive(aws, org):
    # API reference, CreateStackInstances errors: "OperationInProgressException: Another operation
    # is currently in progress for this stack set. Only one operation can be performed for a stack
    # set at a given time." Operations run for a while: RUNNING, then SUCCEEDED.
    cfn = aws("cloudformation")
    raw = aws("organizations")  # plain client, no waiting
    cfn.activate_organizations_access()
    _stack_set(cfn)
    from conftest import make_client

    plain = make_client(cfn.meta.endpoint_url, "cloudformation")
    targets = {"OrganizationalUnitIds": [org["ous"]["Workloads"]]}
    first = plain.create_stack_instances(StackSetName="radiant-api-access", DeploymentTargets=targets,
                                         Regions=ROLE_REGIONS)["OperationId"]
    running = plain.describe_stack_set_operation(StackSetName="radiant-api-access", OperationId=first)
    assert running["StackSetOperation"]["Status"] == "RUNNING"
    assert "EndTimestamp" not in running["StackSetOperation"]
    with pytest.raises(ClientError) as excinfo:
        plain.update_stack_instances(StackSetName="radiant-api-access", DeploymentTargets=targets,
                                     Regions=ROLE_REGIONS)
    code, message = error_of(excinfo)
    assert code == "OperationInProgressException" and first in message
    summaries = wait_for_stack_set(plain, "radiant-api-access")
    assert [op["Status"] for op in summaries] == ["SUCCEEDED"]
    # An auto-deployment (an account moving into a targeted OU) is an operation of its own.
    raw.move_account(AccountId=org["accounts"]["sandbox"], SourceParentId=org["ous"]["Sandbox"],
                     DestinationParentId=org["ous"]["Workloads"])
    operations = plain.list_stack_set_operations(StackSetName="radiant-api-access")["Summaries"]
    assert [op["Status"] for op in operations].count("RUNNING") == 1
    with pytest.raises(ClientError) as excinfo:
        plain.update_stack_set(StackSetName="radiant-api-access", UsePreviousTemplate=True,
                               Capabilities=["CAPABILITY_NAMED_IAM"])
    assert error_of(excinfo)[0] == "OperationInProgressException"
    wait_for_stack_set(plain, "radiant-api-access")


def test_named_iam_role_without_its_capability_fails_each_instance(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    cfn.create_stack_set(
        StackSetName="no-capability", TemplateBody=TEMPLATE, PermissionModel="SERVICE_MANAGED",
        Parameters=[{"ParameterKey": "ExternalId", "ParameterValue": "ext-1"}],
        AutoDeployment={"Enabled": False},
    )
    operation_id = cfn.create_stack_instances(
        StackSetName="no-capability", DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Sandbox"]]},
        Regions=ROLE_REGIONS,
    )["OperationId"]
    operation = cfn.describe_stack_set_operation(StackSetName="no-capability", OperationId=operation_id)
    assert operation["StackSetOperation"]["Status"] == "FAILED"
    results = cfn.list_stack_set_operation_results(StackSetName="no-capability", OperationId=operation_id)
    assert [r["StatusReason"] for r in results["Summaries"]] == ["Requires capabilities : [CAPABILITY_NAMED_IAM]"]
    assert not _role_exists(aws, org["accounts"]["sandbox"])


def test_concurrency_count_and_percentage_together_are_refused(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn)
    with pytest.raises(ClientError) as excinfo:
        cfn.create_stack_instances(
            StackSetName="radiant-api-access", DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Sandbox"]]},
            Regions=ROLE_REGIONS, OperationPreferences={"MaxConcurrentCount": 2, "MaxConcurrentPercentage": 50},
        )
    assert error_of(excinfo)[0] == "ValidationError"


def test_accounts_with_ous_and_no_filter_type_is_a_union(aws, org):
    cfn = aws("cloudformation")
    cfn.activate_organizations_access()
    _stack_set(cfn, auto=False)
    cfn.create_stack_instances(
        StackSetName="radiant-api-access",
        DeploymentTargets={"OrganizationalUnitIds": [org["ous"]["Sandbox"]], "Accounts": [org["accounts"]["web"]]},
        Regions=ROLE_REGIONS,
    )
    assert {account for account, _region in _instances(cfn)} == {org["accounts"]["sandbox"], org["accounts"]["web"]}
