# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Service-managed CloudFormation StackSets: desired state, instance planning, operations.

Facts this relies on (CloudFormation API reference, DeploymentTargets and the StackSets user
guide, "Account-level targets for service-managed stack sets"):
- StackSets expands an OU target to every account beneath it, nested OUs included, and
  never deploys to the organization's management account.
- INTERSECTION targets only the listed accounts within the OUs, DIFFERENCE every account of
  the OUs except the listed ones; UNION is not supported by CreateStackInstances.
- One operation runs at a time per stack set; the OperationId is an idempotency token.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import paginate
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import wait_for

OPERATION_FINAL_STATES = ("SUCCEEDED", "FAILED", "STOPPED")
# One operation at a time per stack set (OperationInProgressException otherwise), ours or an
# auto-deployment's: these states still hold the stack set.
OPERATION_ACTIVE_STATES = ("RUNNING", "QUEUED", "STOPPING")
# Account filters a module run can keep converging with (CreateStackInstances has no UNION).
ACCOUNT_FILTER_TYPES = ("NONE", "INTERSECTION", "DIFFERENCE")
# An Organizations account that StackSets can deploy to (Account.State, or the older Status).
DEPLOYABLE_ACCOUNT_STATE = "ACTIVE"
MASKED_PARAMETER_VALUE = "****"  # what DescribeStackSet shows for NoEcho parameters

OPERATION_PREFERENCE_KEYS = (
    ("max_concurrent_count", "MaxConcurrentCount"),
    ("max_concurrent_percentage", "MaxConcurrentPercentage"),
    ("failure_tolerance_count", "FailureToleranceCount"),
    ("failure_tolerance_percentage", "FailureTolerancePercentage"),
    ("region_order", "RegionOrder"),
    ("region_concurrency_type", "RegionConcurrencyType"),
    ("concurrency_mode", "ConcurrencyMode"),
)


def new_operation_id(action):
    """A fresh client-supplied OperationId (pattern [a-zA-Z0-9][-a-zA-Z0-9]*, at most 128)."""
    return "radiant-{0}-{1}".format(action, uuid.uuid4())


def parameter_value(value):
    """CloudFormation parameter values are strings; YAML gives bools, numbers and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(parameter_value(item) for item in value)
    return str(value)


def parameters_to_dict(parameters):
    return dict((p["ParameterKey"], p.get("ParameterValue")) for p in parameters or [])


def operation_preferences(options):
    """StackSetOperationPreferences from the module's snake_case option (None: AWS defaults)."""
    if not options:
        return None
    preferences = {}
    for option, api_name in OPERATION_PREFERENCE_KEYS:
        if options.get(option) not in (None, []):
            preferences[api_name] = options[option]
    return preferences or None


def auto_deployment(options):
    """AutoDeployment for the API; retain_stacks_on_account_removal only matters when enabled."""
    if options is None:
        return None
    result = {"Enabled": bool(options.get("enabled"))}
    if result["Enabled"]:
        result["RetainStacksOnAccountRemoval"] = bool(options.get("retain_stacks_on_account_removal"))
    return result


def _auto_deployment_differs(current, desired):
    current = current or {}
    if bool(current.get("Enabled")) != desired["Enabled"]:
        return True
    if desired["Enabled"]:
        return bool(current.get("RetainStacksOnAccountRemoval")) != desired["RetainStacksOnAccountRemoval"]
    return False


def stack_set_changes(current, desired, purge_tags=True):
    """Names of the stack set properties whose desired value differs from ``current``.

    ``desired`` keys (each None when unmanaged): TemplateBody, Parameters (dict),
    Capabilities (list), Description, Tags (dict), AutoDeployment (API dict).
    """
    changes = []
    if desired.get("TemplateBody") is not None:
        if (current.get("TemplateBody") or "").strip() != desired["TemplateBody"].strip():
            changes.append("TemplateBody")
    if desired.get("Parameters") is not None:
        current_parameters = parameters_to_dict(current.get("Parameters"))
        for key, value in desired["Parameters"].items():
            if current_parameters.get(key) == MASKED_PARAMETER_VALUE:
                continue  # NoEcho: AWS never shows the value, so it cannot be compared
            if current_parameters.get(key) != value:
                changes.append("Parameters")
                break
    if desired.get("Capabilities") is not None:
        if set(current.get("Capabilities") or []) != set(desired["Capabilities"]):
            changes.append("Capabilities")
    if desired.get("Description") is not None and (current.get("Description") or "") != desired["Description"]:
        changes.append("Description")
    if desired.get("Tags") is not None:
        to_set, to_unset = compare_aws_tags(
            boto3_tag_list_to_ansible_dict(current.get("Tags") or []), desired["Tags"], purge_tags=purge_tags
        )
        if to_set or to_unset:
            changes.append("Tags")
    if desired.get("AutoDeployment") is not None and _auto_deployment_differs(
        current.get("AutoDeployment"), desired["AutoDeployment"]
    ):
        changes.append("AutoDeployment")
    return changes


def desired_tags(current, desired, purge_tags):
    if purge_tags:
        return dict(desired)
    merged = boto3_tag_list_to_ansible_dict(current.get("Tags") or [])
    merged.update(desired)
    return merged


def update_stack_set_request(name, current, desired, purge_tags=True):
    """The UpdateStackSet arguments that move ``current`` to ``desired`` (no OperationId).

    Unmanaged template and parameters keep their previous values; capabilities and the
    description are resent because UpdateStackSet would otherwise drop them.
    """
    request = {"StackSetName": name}
    if desired.get("TemplateBody") is not None:
        request["TemplateBody"] = desired["TemplateBody"]
    else:
        request["UsePreviousTemplate"] = True
    parameters = []
    wanted = desired.get("Parameters") or {}
    for key in sorted(set(wanted) | set(parameters_to_dict(current.get("Parameters")))):
        if key in wanted:
            parameters.append({"ParameterKey": key, "ParameterValue": wanted[key]})
        else:
            parameters.append({"ParameterKey": key, "UsePreviousValue": True})
    if parameters:
        request["Parameters"] = parameters
    capabilities = desired.get("Capabilities")
    if capabilities is None:
        capabilities = current.get("Capabilities") or []
    if capabilities:
        request["Capabilities"] = list(capabilities)
    description = desired.get("Description")
    if description is None:
        description = current.get("Description")
    if description:
        request["Description"] = description
    if desired.get("Tags") is not None:
        request["Tags"] = ansible_dict_to_boto3_tag_list(desired_tags(current, desired["Tags"], purge_tags))
    if desired.get("AutoDeployment") is not None:
        request["AutoDeployment"] = desired["AutoDeployment"]
    return request


def create_stack_set_request(name, desired):
    request = {"StackSetName": name, "PermissionModel": "SERVICE_MANAGED", "TemplateBody": desired["TemplateBody"]}
    if desired.get("Parameters"):
        request["Parameters"] = [
            {"ParameterKey": key, "ParameterValue": value} for key, value in sorted(desired["Parameters"].items())
        ]
    if desired.get("Capabilities"):
        request["Capabilities"] = list(desired["Capabilities"])
    if desired.get("Description"):
        request["Description"] = desired["Description"]
    if desired.get("Tags"):
        request["Tags"] = ansible_dict_to_boto3_tag_list(desired["Tags"])
    request["AutoDeployment"] = desired.get("AutoDeployment") or {"Enabled": False}
    return request


# -- organization targets ----------------------------------------------------------------


def account_state(account):
    return account.get("State") or account.get("Status") or ""


def accounts_under(organizations_client, ou_ids):
    """Every account beneath the given roots/OUs, nested OUs included: {account id: state}."""
    accounts = {}
    visited = set()
    pending = list(ou_ids)
    while pending:
        parent = pending.pop()
        if parent in visited:
            continue
        visited.add(parent)
        for account in paginate(organizations_client, "list_accounts_for_parent", "Accounts", ParentId=parent):
            accounts[account["Id"]] = account_state(account)
        children = paginate(organizations_client, "list_organizational_units_for_parent", "OrganizationalUnits",
                            ParentId=parent)
        pending.extend(ou["Id"] for ou in children)
    return accounts


def organization_root_id(organizations_client):
    return paginate(organizations_client, "list_roots", "Roots")[0]["Id"]


def management_account_id(organizations_client):
    organization = organizations_client.describe_organization(aws_retry=True)["Organization"]
    return organization.get("MasterAccountId")


def target_accounts(accounts_in_ous, filter_type, accounts, management_account_id):
    """Apply the account filter: (deployable ACTIVE accounts, every targeted account).

    Suspended accounts under the targets are neither deployed to nor purged.
    """
    accounts = set(accounts or [])
    if filter_type == "INTERSECTION":
        targeted = set(a for a in accounts_in_ous if a in accounts)
    elif filter_type == "DIFFERENCE":
        targeted = set(a for a in accounts_in_ous if a not in accounts)
    else:
        targeted = set(accounts_in_ous)
    targeted.discard(management_account_id)
    deployable = set(a for a in targeted if accounts_in_ous[a] == DEPLOYABLE_ACCOUNT_STATE)
    return deployable, targeted


def instance_pairs(instances):
    """{(account, region): organizational unit id} of ListStackInstances summaries."""
    return dict(((i["Account"], i["Region"]), i.get("OrganizationalUnitId")) for i in instances)


def plan_instances(existing, deployable, targeted, regions, purge):
    """(missing pairs, extra {pair: ou}) to reach deployable x regions."""
    desired = set((account, region) for account in deployable for region in regions)
    missing = desired - set(existing)
    extra = {}
    if purge:
        keep = set((account, region) for account in targeted for region in regions)
        extra = dict((pair, ou) for pair, ou in existing.items() if pair not in keep)
    return missing, extra


def outdated_pairs(instances, deployable, regions):
    """Wanted instances whose last operation did not bring them up to date (Status OUTDATED,
    for example a failed creation): a re-run deploys them again. INOPERABLE ones (a failed
    deletion) are left to the user, as AWS asks."""
    wanted = set(regions)
    return set(
        (i["Account"], i["Region"])
        for i in instances
        if i.get("Status") == "OUTDATED" and i["Account"] in deployable and i["Region"] in wanted
    )


def retry_requests(outdated, ou_ids):
    """UpdateStackInstances (DeploymentTargets, Regions) pairs redeploying exactly ``outdated``."""
    return [
        ({"OrganizationalUnitIds": sorted(ou_ids), "Accounts": accounts, "AccountFilterType": "INTERSECTION"},
         list(regions))
        for regions, accounts in _group_by_regions(outdated)
    ]


def _group_by_regions(pairs):
    regions_of = {}
    for account, region in pairs:
        regions_of.setdefault(account, set()).add(region)
    groups = {}
    for account, regions in regions_of.items():
        groups.setdefault(tuple(sorted(regions)), []).append(account)
    return sorted((regions, sorted(accounts)) for regions, accounts in groups.items())


def create_requests(missing, ou_ids, accounts_in_ous, management_account_id):
    """CreateStackInstances (DeploymentTargets, Regions) pairs adding exactly ``missing``.

    Per group of accounts missing the same regions, the shorter exact filter wins:
    INTERSECTION with the missing accounts, or DIFFERENCE with the other accounts of the OUs
    (plain OUs when nothing is left to exclude).
    """
    everyone = set(accounts_in_ous) - set([management_account_id])
    requests = []
    for regions, accounts in _group_by_regions(missing):
        others = sorted(everyone - set(accounts))
        targets = {"OrganizationalUnitIds": sorted(ou_ids)}
        if not others:
            targets["AccountFilterType"] = "NONE"
        elif len(others) < len(accounts):
            targets["Accounts"] = others
            targets["AccountFilterType"] = "DIFFERENCE"
        else:
            targets["Accounts"] = list(accounts)
            targets["AccountFilterType"] = "INTERSECTION"
        requests.append((targets, list(regions)))
    return requests


def delete_requests(extra):
    """DeleteStackInstances (DeploymentTargets, Regions) pairs removing exactly ``extra``.

    Service-managed deletes name OUs: each instance's own OU, narrowed to its account.
    """
    by_ou = {}
    for (account, region), ou in extra.items():
        by_ou.setdefault(ou, set()).add((account, region))
    requests = []
    for ou in sorted(by_ou, key=lambda value: value or ""):
        for regions, accounts in _group_by_regions(by_ou[ou]):
            targets = {"OrganizationalUnitIds": [ou], "Accounts": accounts, "AccountFilterType": "INTERSECTION"}
            requests.append((targets, list(regions)))
    return requests


def delete_all_request(instances):
    """One DeleteStackInstances (targets, regions) for every instance, by their OUs."""
    ous = sorted(set(i.get("OrganizationalUnitId") for i in instances if i.get("OrganizationalUnitId")))
    regions = sorted(set(i["Region"] for i in instances))
    if not ous or not regions:
        return None
    return {"OrganizationalUnitIds": ous}, regions


def instances_by_region(pairs):
    """{region: sorted accounts}: a compact view of instance pairs for diffs."""
    view = {}
    for account, region in pairs:
        view.setdefault(region, []).append(account)
    return dict((region, sorted(accounts)) for region, accounts in sorted(view.items()))


# -- reads and operations ----------------------------------------------------------------


def call_as_kwargs(call_as):
    return {"CallAs": call_as} if call_as else {}


def describe_stack_set(client, name, call_as=None):
    """The stack set, or None when it does not exist (or is DELETED)."""
    try:
        stack_set = client.describe_stack_set(StackSetName=name, aws_retry=True, **call_as_kwargs(call_as))["StackSet"]
    except is_boto3_error_code("StackSetNotFoundException"):
        return None
    if stack_set.get("Status") == "DELETED":
        return None
    return stack_set


def list_stack_instances(client, name, call_as=None):
    return paginate(client, "list_stack_instances", "Summaries", StackSetName=name, **call_as_kwargs(call_as))


def operation_failures(client, name, operation_id, call_as=None):
    """Per account and region results of an operation that did not succeed."""
    results = paginate(
        client, "list_stack_set_operation_results", "Summaries", StackSetName=name, OperationId=operation_id,
        **call_as_kwargs(call_as)
    )
    return [
        {
            "account": result.get("Account"),
            "region": result.get("Region"),
            "organizational_unit_id": result.get("OrganizationalUnitId"),
            "status": result.get("Status"),
            "status_reason": result.get("StatusReason"),
        }
        for result in results
        if result.get("Status") != "SUCCEEDED"
    ]


class IncreasingSleep:
    """sleep() for wait_for that backs off from ``first`` to ``longest`` seconds."""

    def __init__(self, first=1, longest=15, sleep=time.sleep):
        self.next_delay = first
        self.longest = longest
        self._sleep = sleep

    def __call__(self, _delay):
        self._sleep(self.next_delay)
        self.next_delay = min(self.next_delay * 2, self.longest)


def wait_for_operation(client, name, operation_id, timeout, call_as=None, sleep=None, clock=time.monotonic):
    """The finished StackSetOperation; raises common.WaitTimeout after ``timeout`` seconds."""

    def fetch():
        return client.describe_stack_set_operation(
            StackSetName=name, OperationId=operation_id, aws_retry=True, **call_as_kwargs(call_as)
        )["StackSetOperation"]

    return wait_for(
        fetch,
        lambda operation: operation.get("Status") in OPERATION_FINAL_STATES,
        timeout=timeout,
        delay=1,
        description="stack set operation {0} on {1}".format(operation_id, name),
        sleep=sleep or IncreasingSleep(),
        clock=clock,
    )


def running_operations(client, name, call_as=None):
    """The stack set's operations that are still running (an auto-deployment's included)."""
    summaries = paginate(client, "list_stack_set_operations", "Summaries", StackSetName=name, **call_as_kwargs(call_as))
    return [op for op in summaries if op.get("Status") in OPERATION_ACTIVE_STATES]


def wait_until_idle(client, name, timeout, call_as=None, sleep=None, clock=time.monotonic):
    """Wait, bounded, until no operation runs on the stack set; returns the ids waited for.

    Raises common.WaitTimeout naming the operations still running."""
    running = running_operations(client, name, call_as)
    if not running:
        return []
    waited = [op["OperationId"] for op in running]
    wait_for(
        lambda: running_operations(client, name, call_as),
        lambda operations: not operations,
        timeout=timeout,
        delay=1,
        description="operation(s) {0} ({1}) already running on stack set {2} to finish".format(
            ", ".join(waited), ", ".join(sorted(set(op.get("Action", "?") for op in running))), name),
        sleep=sleep or IncreasingSleep(),
        clock=clock,
    )
    return waited


def describe_failures(failures, limit=20):
    """A readable list of per-account failures for an error message."""
    lines = [
        "{0}/{1}: {2} ({3})".format(f["account"], f["region"], f["status"], f.get("status_reason") or "no reason given")
        for f in failures[:limit]
    ]
    if len(failures) > limit:
        lines.append("... and {0} more".format(len(failures) - limit))
    return "; ".join(lines)


def explain_stackset_error(code, message, name, call_as=None):
    """An actionable sentence for errors users meet with service-managed StackSets, or None."""
    text = message or ""
    if code == "ValidationError" and "organizations access" in text.lower():
        return (
            "Trusted access between CloudFormation StackSets and AWS Organizations is not enabled: activate it "
            "(CloudFormation console 'Activate trusted access', or Organizations EnableAWSServiceAccess for "
            "member.org.stacksets.cloudformation.amazonaws.com) from the management account."
        )
    if code in ("ValidationError", "AccessDenied", "AccessDeniedException") and call_as == "DELEGATED_ADMIN" and (
        "delegated" in text.lower() or "administrator" in text.lower()
    ):
        return (
            "This account is not a delegated administrator for CloudFormation StackSets: register it "
            "(organizations RegisterDelegatedAdministrator for member.org.stacksets.cloudformation.amazonaws.com) "
            "or use call_as=SELF from the management account."
        )
    if code == "InsufficientCapabilitiesException" or "capabilit" in text.lower():
        return (
            "The template of stack set '{0}' creates IAM resources: add CAPABILITY_NAMED_IAM (or CAPABILITY_IAM) "
            "to capabilities."
        ).format(name)
    if code == "OperationInProgressException":
        return (
            "Another operation is running on stack set '{0}': wait for it to finish (CloudFormation runs one "
            "operation at a time per stack set) and run again."
        ).format(name)
    if code == "StackSetNotEmptyException":
        return (
            "Stack set '{0}' still has stack instances that its deployment targets no longer reach (for example in "
            "accounts moved out of the targeted OUs): delete them, then run again."
        ).format(name)
    return None
