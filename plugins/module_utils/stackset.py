# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Service-managed CloudFormation StackSets: desired state, instance planning, operations, and
the cloudformation_stackset module's whole run (StackSetManager, run_stackset_module).

Facts this relies on (CloudFormation API reference, DeploymentTargets and the StackSets user
guide, "Account-level targets for service-managed stack sets"):
- StackSets expands an OU target to every account beneath it, nested OUs included, and
  never deploys to the organization's management account.
- INTERSECTION targets only the listed accounts within the OUs, DIFFERENCE every account of
  the OUs except the listed ones; UNION is not supported by CreateStackInstances.
- One operation runs at a time per stack set; the OperationId is an idempotency token.
"""

import time
import uuid

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import (
    AWS_ERRORS,
    aws_client,
    paginate,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_errors import (
    error_code,
    error_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import (
    WaitTimeout,
    diff_of,
    wait_argument_spec,
    wait_for,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.organizations import walk_tree

OPERATION_FINAL_STATES = ("SUCCEEDED", "FAILED", "STOPPED")
# One operation at a time per stack set (OperationInProgressException otherwise), ours or an
# auto-deployment's: these states still hold the stack set.
OPERATION_ACTIVE_STATES = ("RUNNING", "QUEUED", "STOPPING")
# Account filters a module run can keep converging with (CreateStackInstances has no UNION).
ACCOUNT_FILTER_TYPES = ("NONE", "INTERSECTION", "DIFFERENCE")
# An Organizations account that StackSets can deploy to (Account.State, or the older Status).
DEPLOYABLE_ACCOUNT_STATE = "ACTIVE"
MASKED_PARAMETER_VALUE = "****"  # what DescribeStackSet shows for NoEcho parameters
# Each operation runs in every targeted account: minutes at an organization's scale.
STACKSET_WAIT_TIMEOUT = 900

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
    """An account's state from Organizations' record, or this collection's (organizations.account_record)."""
    return account.get("State") or account.get("state") or account.get("Status") or account.get("status") or ""


def accounts_under(organizations_client, ou_ids):
    """Every account beneath the given roots/OUs, nested OUs included: {account id: state}.

    Each root or OU is read with organizations.walk_tree (each OU's children and accounts as soon as it is known),
    roots first; an OU beneath one already read is not read again."""
    accounts = {}
    walked = set()
    for ou_id in sorted(set(ou_ids), key=lambda target: (not target.startswith("r-"), ou_ids.index(target))):
        if ou_id in walked:
            continue
        ous, found = walk_tree(organizations_client, ou_id)
        walked.update([ou_id] + [ou["id"] for ou in ous])
        for account in found:
            accounts[account["id"]] = account_state(account)
    return accounts


def accounts_known_under(organization, ou_ids):
    """accounts_under from an organization already read (organizations_info's result: ``root_id`` and each
    account's ``ou_ids``, the OUs from the root down), without a call."""
    targets = set(ou_ids)
    return dict((account["id"], account_state(account)) for account in organization["accounts"]
                if targets.intersection([organization["root_id"]] + list(account.get("ou_ids") or [])))


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
    except AWS_ERRORS as error:
        if error_code(error) == "StackSetNotFoundException":
            return None
        raise
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


# -- the cloudformation_stackset module --------------------------------------------------------


def stack_set_view(stack_set):
    if not stack_set:
        return {}
    auto = stack_set.get("AutoDeployment") or {}
    return {
        "name": stack_set.get("StackSetName"),
        "id": stack_set.get("StackSetId"),
        "arn": stack_set.get("StackSetARN"),
        "status": stack_set.get("Status"),
        "permission_model": stack_set.get("PermissionModel"),
        "description": stack_set.get("Description"),
        "template_body": stack_set.get("TemplateBody"),
        "parameters": parameters_to_dict(stack_set.get("Parameters")),
        "capabilities": sorted(stack_set.get("Capabilities") or []),
        "tags": boto3_tag_list_to_ansible_dict(stack_set.get("Tags") or []),
        "auto_deployment": {
            "enabled": bool(auto.get("Enabled")),
            "retain_stacks_on_account_removal": bool(auto.get("RetainStacksOnAccountRemoval")),
        },
        "organizational_unit_ids": sorted(stack_set.get("OrganizationalUnitIds") or []),
    }


def instance_view(instance):
    return {
        "account": instance["Account"],
        "region": instance["Region"],
        "organizational_unit_id": instance.get("OrganizationalUnitId"),
        "status": instance.get("Status"),
        "status_reason": instance.get("StatusReason"),
    }


class StackSetManager:
    """One cloudformation_stackset run: reads the stack set and its instances, then converges them."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = module.params["name"]
        self.call_as = module.params["call_as"]
        self.client = aws_client(module, "cloudformation")
        self.operations = []

    # -- errors -------------------------------------------------------------------------
    def fail_aws(self, error, action):
        advice = explain_stackset_error(error_code(error), error_message(error), self.name, self.call_as)
        text = "Failed to {0} stack set {1}".format(action, self.name)
        if advice:
            text = "{0}: {1}".format(text, advice.rstrip("."))
        self.module.fail_json_aws(error, msg=text, operations=self.operations)

    # -- desired ------------------------------------------------------------------------
    def desired(self):
        body = self.params["template_body"]
        if self.params["template"]:
            try:
                with open(self.params["template"], "rb") as template_file:
                    body = to_text(template_file.read())
            except OSError as e:
                self.module.fail_json(msg="Cannot read template {0}: {1}".format(self.params["template"], e))
        parameters = self.params["parameters"]
        if parameters is not None:
            parameters = dict((key, parameter_value(value)) for key, value in parameters.items())
        return {
            "TemplateBody": body,
            "Parameters": parameters,
            "Capabilities": self.params["capabilities"],
            "Description": self.params["description"],
            "Tags": self.params["tags"],
            "AutoDeployment": auto_deployment(self.params["auto_deployment"]),
        }

    def target_plan(self, instances):
        """What the deployment targets ask of the instances: missing pairs, extra {pair: ou},
        OUTDATED pairs to redeploy, and the create and retry requests."""
        plan = {"missing": set(), "extra": {}, "outdated": set(), "creates": [], "retries": []}
        targets = self.params["deployment_targets"]
        regions = self.params["regions"]
        if targets is None or regions is None:
            return plan
        known = self.params["organization"]
        ou_ids = targets["organizational_unit_ids"] or []
        if known:  # read earlier in the run (organizations_info): no Organizations call here
            if targets["whole_organization"]:
                ou_ids = [known["root_id"]]
            under = accounts_known_under(known, ou_ids)
            management = known["organization"]["management_account_id"]
        else:
            organizations = aws_client(self.module, "organizations")
            try:
                if targets["whole_organization"]:
                    ou_ids = [organization_root_id(organizations)]
                under = accounts_under(organizations, ou_ids)
                management = management_account_id(organizations)
            except AWS_ERRORS as e:
                self.module.fail_json_aws(
                    e, msg="Failed to read the organization's accounts for the deployment targets")
        deployable, targeted = target_accounts(
            under, targets["account_filter_type"], targets["accounts"], management
        )
        plan["missing"], plan["extra"] = plan_instances(
            instance_pairs(instances), deployable, targeted, regions, self.params["purge_instances"]
        )
        plan["outdated"] = outdated_pairs(instances, deployable, regions)
        plan["creates"] = create_requests(plan["missing"], ou_ids, under, management)
        plan["retries"] = retry_requests(plan["outdated"], ou_ids)
        return plan

    # -- reads --------------------------------------------------------------------------
    def read(self):
        try:
            stack_set = describe_stack_set(self.client, self.name, self.call_as)
            instances = list_stack_instances(self.client, self.name, self.call_as) if stack_set else []
        except AWS_ERRORS as e:
            self.fail_aws(e, "read")
        return stack_set, instances

    # -- operations ---------------------------------------------------------------------
    def run_operation(self, action, call, request, targets=None, regions=None):
        """Start one operation with our own OperationId, wait for it, record its results."""
        operation_id = new_operation_id(action)
        request = dict(request)
        request.update(call_as_kwargs(self.call_as))
        preferences = operation_preferences(self.params["operation_preferences"])
        if preferences:
            request["OperationPreferences"] = preferences
        waited = []
        try:
            waited = wait_until_idle(self.client, self.name, self.params["wait_timeout"], self.call_as)
            try:
                call(OperationId=operation_id, aws_retry=True, **request)
            except AWS_ERRORS as e:
                if error_code(e) != "OperationInProgressException":
                    raise
                # Another operation (an auto-deployment) started between the check and the call.
                waited += wait_until_idle(self.client, self.name, self.params["wait_timeout"], self.call_as)
                call(OperationId=operation_id, aws_retry=True, **request)
            operation = wait_for_operation(
                self.client, self.name, operation_id, self.params["wait_timeout"], self.call_as
            )
            failures = operation_failures(self.client, self.name, operation_id, self.call_as)
        except WaitTimeout as e:
            self.operations.append({"operation_id": operation_id, "action": action, "status": "TIMED_OUT"})
            self.module.fail_json(msg=str(e), operations=self.operations)
        except AWS_ERRORS as e:
            self.fail_aws(e, action.replace("-", " "))
        record = {
            "operation_id": operation_id,
            "action": operation.get("Action"),
            "status": operation.get("Status"),
            "status_reason": operation.get("StatusReason"),
            "failures": failures,
            "waited_for": waited,
        }
        if targets is not None:
            record["deployment_targets"] = targets
            record["regions"] = regions
        self.operations.append(record)
        if operation.get("Status") != "SUCCEEDED":
            self.module.fail_json(
                msg="Stack set {0} operation {1} ({2}) ended {3}{4}".format(
                    self.name,
                    operation_id,
                    record["action"],
                    record["status"],
                    ": " + describe_failures(failures) if failures else "",
                ),
                operations=self.operations,
            )
        if failures:
            self.module.warn(
                "Stack set {0} operation {1} succeeded within its failure tolerance, but: {2}".format(
                    self.name, operation_id, describe_failures(failures)
                )
            )

    def delete_instances(self, targets, regions):
        self.run_operation(
            "delete-instances",
            self.client.delete_stack_instances,
            {"StackSetName": self.name, "DeploymentTargets": targets, "Regions": regions,
             "RetainStacks": self.params["retain_stacks"]},
            targets,
            regions,
        )

    # -- states -------------------------------------------------------------------------
    def present(self, current, instances):
        desired = self.desired()
        if current is not None and current.get("PermissionModel") != "SERVICE_MANAGED":
            self.module.fail_json(
                msg="Stack set {0} uses {1} permissions; this module manages SERVICE_MANAGED stack sets only "
                "(see community.aws.cloudformation_stack_set)".format(self.name, current.get("PermissionModel"))
            )
        if current is None and not desired["TemplateBody"]:
            self.module.fail_json(msg="template or template_body is required to create stack set " + self.name)
        existing = instance_pairs(instances)
        plan = self.target_plan(instances)
        missing, extra = plan["missing"], plan["extra"]
        changes = stack_set_changes(current, desired, self.params["purge_tags"]) if current else ["create"]
        changed = bool(changes or missing or extra or plan["outdated"])

        before = {
            "stack_set": stack_set_view(current),
            "instances": instances_by_region(existing),
            "outdated_instances": instances_by_region(plan["outdated"]),
        }
        after_pairs = (set(existing) - set(extra)) | missing
        predicted = self.predicted_stack_set(current, desired, changes)
        after = {
            "stack_set": stack_set_view(predicted),
            "instances": instances_by_region(after_pairs),
            "outdated_instances": {},
        }
        if not changed or self.module.check_mode:
            predicted_instances = [instance_view(i) for i in instances if (i["Account"], i["Region"]) not in extra]
            predicted_instances.extend(
                {"account": a, "region": r, "organizational_unit_id": None, "status": "PENDING", "status_reason": None}
                for a, r in sorted(missing)
            )
            return changed, before, after, stack_set_view(predicted), predicted_instances

        if current is None:
            try:
                self.client.create_stack_set(
                    ClientRequestToken=new_operation_id("create-stack-set"),
                    aws_retry=True,
                    **dict(create_stack_set_request(self.name, desired), **call_as_kwargs(self.call_as))
                )
            except AWS_ERRORS as e:
                self.fail_aws(e, "create")
        for targets, regions in delete_requests(extra):
            self.delete_instances(targets, regions)
        if current is not None and changes:
            self.run_operation(
                "update-stack-set",
                self.client.update_stack_set,
                update_stack_set_request(self.name, current, desired, self.params["purge_tags"]),
            )
        elif plan["retries"]:
            # An UpdateStackSet redeploys every instance anyway; otherwise redeploy only these.
            for targets, regions in plan["retries"]:
                self.run_operation(
                    "update-instances",
                    self.client.update_stack_instances,
                    {"StackSetName": self.name, "DeploymentTargets": targets, "Regions": regions},
                    targets,
                    regions,
                )
        for targets, regions in plan["creates"]:
            self.run_operation(
                "create-instances",
                self.client.create_stack_instances,
                {"StackSetName": self.name, "DeploymentTargets": targets, "Regions": regions},
                targets,
                regions,
            )
        final, final_instances = self.read()
        after = {
            "stack_set": stack_set_view(final),
            "instances": instances_by_region(instance_pairs(final_instances)),
            "outdated_instances": instances_by_region(
                (i["Account"], i["Region"]) for i in final_instances if i.get("Status") == "OUTDATED"
            ),
        }
        return True, before, after, stack_set_view(final), [instance_view(i) for i in final_instances]

    def predicted_stack_set(self, current, desired, changes):
        if current is None:
            predicted = create_stack_set_request(self.name, desired)
            predicted.update({"Status": "ACTIVE"})
            return predicted
        if not changes:
            return current
        predicted = dict(current)
        update = update_stack_set_request(self.name, current, desired, self.params["purge_tags"])
        for key in ("TemplateBody", "Capabilities", "Description", "Tags", "AutoDeployment"):
            if key in update:
                predicted[key] = update[key]
        previous = parameters_to_dict(current.get("Parameters"))
        predicted["Parameters"] = [
            {"ParameterKey": p["ParameterKey"],
             "ParameterValue": previous.get(p["ParameterKey"]) if p.get("UsePreviousValue") else p["ParameterValue"]}
            for p in update.get("Parameters", [])
        ]
        return predicted

    def absent(self, current, instances):
        before = {
            "stack_set": stack_set_view(current),
            "instances": instances_by_region(instance_pairs(instances)),
        }
        if current is None:
            return False, before, {}, {}, []
        after = {"stack_set": {}, "instances": {}}
        if self.module.check_mode:
            return True, before, after, {}, []
        request = delete_all_request(instances)
        if request is not None:
            self.delete_instances(*request)
        _current, left = self.read()
        if left:
            self.module.fail_json(
                msg="Stack set {0} still has {1} stack instance(s) its OUs no longer reach ({2}): delete them, "
                "then run again".format(
                    self.name, len(left), ", ".join("{0}/{1}".format(i["Account"], i["Region"]) for i in left[:20])
                ),
                operations=self.operations,
            )
        try:
            self.client.delete_stack_set(StackSetName=self.name, aws_retry=True, **call_as_kwargs(self.call_as))
        except AWS_ERRORS as e:
            self.fail_aws(e, "delete")
        return True, before, after, {}, []


def stackset_argument_spec():
    """The cloudformation_stackset module's options (a fresh dict each call)."""
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        template=dict(type="path"),
        template_body=dict(type="str"),
        parameters=dict(type="dict"),
        capabilities=dict(
            type="list", elements="str", choices=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
        ),
        auto_deployment=dict(
            type="dict",
            options=dict(
                enabled=dict(type="bool", required=True),
                retain_stacks_on_account_removal=dict(type="bool", default=False),
            ),
        ),
        deployment_targets=dict(
            type="dict",
            options=dict(
                organizational_unit_ids=dict(type="list", elements="str"),
                whole_organization=dict(type="bool", default=False),
                accounts=dict(type="list", elements="str"),
                account_filter_type=dict(type="str", choices=list(ACCOUNT_FILTER_TYPES), default="NONE"),
            ),
            mutually_exclusive=[("organizational_unit_ids", "whole_organization")],
            required_if=[
                ("account_filter_type", "INTERSECTION", ["accounts"]),
                ("account_filter_type", "DIFFERENCE", ["accounts"]),
            ],
        ),
        regions=dict(type="list", elements="str"),
        organization=dict(type="dict"),
        purge_instances=dict(type="bool", default=True),
        retain_stacks=dict(type="bool", default=False),
        operation_preferences=dict(
            type="dict",
            options=dict(
                max_concurrent_count=dict(type="int"),
                max_concurrent_percentage=dict(type="int"),
                failure_tolerance_count=dict(type="int"),
                failure_tolerance_percentage=dict(type="int"),
                region_order=dict(type="list", elements="str"),
                region_concurrency_type=dict(type="str", choices=["SEQUENTIAL", "PARALLEL"]),
                concurrency_mode=dict(type="str", choices=["STRICT_FAILURE_TOLERANCE", "SOFT_FAILURE_TOLERANCE"]),
            ),
            mutually_exclusive=[
                ("max_concurrent_count", "max_concurrent_percentage"),
                ("failure_tolerance_count", "failure_tolerance_percentage"),
            ],
        ),
        call_as=dict(type="str", choices=["SELF", "DELEGATED_ADMIN"], default="SELF"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        **wait_argument_spec(timeout=STACKSET_WAIT_TIMEOUT, switch=False)
    )


# The module's option rules, beside its argument spec.
STACKSET_OPTION_RULES = dict(
    mutually_exclusive=[("template", "template_body")],
    required_together=[("deployment_targets", "regions")],
)


def run_stackset_module(module):
    """The cloudformation_stackset module's result for ``module`` (an AnsibleAWSModule with
    stackset_argument_spec()); fails the module on bad input, an AWS error or a failed operation."""
    targets = module.params["deployment_targets"]
    if targets is not None and not (targets["organizational_unit_ids"] or targets["whole_organization"]):
        module.fail_json(msg="deployment_targets needs organizational_unit_ids or whole_organization=true")

    manager = StackSetManager(module)
    current, instances = manager.read()
    if module.params["state"] == "absent":
        changed, before, after, stack_set, final_instances = manager.absent(current, instances)
    else:
        changed, before, after, stack_set, final_instances = manager.present(current, instances)

    result = dict(changed=changed, stack_set=stack_set, instances=final_instances, operations=manager.operations)
    if module._diff:
        result["diff"] = diff_of(before, after)
    return result
