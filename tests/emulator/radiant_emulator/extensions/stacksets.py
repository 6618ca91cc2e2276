"""CloudFormation StackSets, self-managed and service-managed, with AWS's semantics.

moto's StackSets ignore a client-supplied OperationId, AutoDeployment, AccountFilterType
and CallAs, expand OUs one level only, deploy to the management account, and
DeleteStackInstances by DeploymentTargets does nothing. This module serves every StackSet
operation itself (state kept here, per administrator account and region) and creates each
stack instance's resources in its target account and region with moto's own Stack, so
that, e.g., an IAM role of the template exists in each member account afterwards.

AWS behaviours followed (CloudFormation API Reference and User Guide):
- Service-managed permissions need trusted access with Organizations
  (member.org.stacksets.cloudformation.amazonaws.com) and a caller that is the management
  account (CallAs SELF) or a registered delegated administrator (CallAs DELEGATED_ADMIN):
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html,
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html,
  API_CreateStackSet.html ("CallAs").
- "StackSets doesn't deploy stack instances to the organization's management account,
  even if the management account is in your organization or in an OU in your organization"
  (User Guide, "Create a stack set with service-managed permissions").
- DeploymentTargets: OrganizationalUnitIds reach every account beneath the OU, nested OUs
  included; AccountFilterType NONE | INTERSECTION | DIFFERENCE | UNION with Accounts
  (API_DeploymentTargets.html).
- AutoDeployment: accounts added to a target OU later get the stack instances; accounts
  removed from it lose them unless RetainStacksOnAccountRemoval (API_AutoDeployment.html).
- OperationId: client-supplied, returned, idempotent for the same action; another action
  with a used id is OperationIdAlreadyExistsException (API_CreateStackInstances.html).
- DescribeStackSetOperation / ListStackSetOperations / ListStackSetOperationResults report
  each account's and region's result (API_StackSetOperationResultSummary.html).
- DeleteStackInstances by DeploymentTargets deletes; RetainStacks keeps the stacks' resources
  (API_DeleteStackInstances.html). DeleteStackSet with instances left is
  StackSetNotEmptyException (API_DeleteStackSet.html).
- Activate/Deactivate/DescribeOrganizationsAccess toggle and read the same trusted access
  (API_ActivateOrganizationsAccess.html).
- Operations are asynchronous: RUNNING for realism's ``stackset_operation_seconds``, then
  SUCCEEDED or FAILED; any other operation on the stack set meanwhile, an auto-deployment's
  included, is OperationInProgressException (API_CreateStackInstances.html Errors,
  "OperationInProgressException: Another operation is currently in progress for this stack set.
  Only one operation can be performed for a stack set at a given time").
- A template with a named IAM resource needs CAPABILITY_NAMED_IAM, other IAM resources
  CAPABILITY_IAM: without it each instance fails "Requires capabilities : [CAPABILITY_NAMED_IAM]"
  (User Guide, "Acknowledging IAM resources in AWS CloudFormation templates").
- OperationPreferences: MaxConcurrentCount or MaxConcurrentPercentage, not both; likewise
  FailureToleranceCount / FailureTolerancePercentage (API_StackSetOperationPreferences.html).
- DeploymentTargets with Accounts and OrganizationalUnitIds and no AccountFilterType: UNION.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.core.responses import ActionResult, EmptyResult

from .. import organizations_state, realism
from ..errors import AwsError

TRUSTED_PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"
NOT_ORG_ADMIN = (
    "You must be the management account or delegated admin account of an organization before operating a "
    "SERVICE_MANAGED stack set"
)
NO_TRUSTED_ACCESS = "You must enable organizations access to operate a service managed stack set"
NOT_DELEGATED_ADMIN = "Account {account} is not registered as a delegated administrator for CloudFormation StackSets"

_lock = threading.RLock()
# (administrator account, region) -> stack set name -> StackSetRecord
_stores: dict[tuple[str, str], dict[str, StackSetRecord]] = {}


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Instance:
    account: str
    region: str
    ou_id: str | None
    parameter_overrides: list[dict]
    stack: Any = None
    status: str = "CURRENT"
    detailed_status: str = "SUCCEEDED"
    status_reason: str | None = None
    last_operation_id: str | None = None


@dataclass
class StackSetRecord:
    name: str
    admin_account: str
    region: str
    template: str
    parameters: list[dict]
    permission_model: str
    description: str | None = None
    capabilities: list[str] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    auto_deployment: dict | None = None
    managed_execution: dict = field(default_factory=lambda: {"Active": False})
    administration_role_arn: str | None = None
    execution_role_name: str | None = None
    call_as: str = "SELF"
    id: str = ""
    status: str = "ACTIVE"
    ou_targets: dict[str, set] = field(default_factory=dict)  # OU id -> regions
    instances: dict[tuple[str, str], Instance] = field(default_factory=dict)
    operations: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.id = f"{self.name}:{uuid.uuid4()}"

    @property
    def arn(self) -> str:
        return f"arn:aws:cloudformation:{self.region}:{self.admin_account}:stackset/{self.id}"

    @property
    def service_managed(self) -> bool:
        return self.permission_model == "SERVICE_MANAGED"

    def describe(self) -> dict:
        result = {
            "StackSetName": self.name,
            "StackSetId": self.id,
            "Status": self.status,
            "TemplateBody": self.template,
            "Parameters": self.parameters,
            "Capabilities": self.capabilities,
            "Tags": self.tags,
            "StackSetARN": self.arn,
            "PermissionModel": self.permission_model,
            "ManagedExecution": self.managed_execution,
            "Regions": sorted({region for _account, region in self.instances}),
        }
        if self.description is not None:
            result["Description"] = self.description
        if self.service_managed:
            result["AutoDeployment"] = self.auto_deployment or {"Enabled": False}
            result["OrganizationalUnitIds"] = sorted(self.ou_targets)
        else:
            result["AdministrationRoleARN"] = self.administration_role_arn
            result["ExecutionRoleName"] = self.execution_role_name
        return result

    def summary(self) -> dict:
        result = {
            "StackSetName": self.name,
            "StackSetId": self.id,
            "Status": self.status,
            "PermissionModel": self.permission_model,
            "ManagedExecution": self.managed_execution,
        }
        if self.description is not None:
            result["Description"] = self.description
        if self.service_managed:
            result["AutoDeployment"] = self.auto_deployment or {"Enabled": False}
        return result


def reset() -> None:
    with _lock:
        _stores.clear()


# -- request helpers ------------------------------------------------------------------------
def _params(response) -> dict:
    return response._get_params()


def _store(response) -> dict[str, StackSetRecord]:
    return _stores.setdefault((response.current_account, response.region), {})


def _settle(record: StackSetRecord) -> None:
    """Finish the operations whose time has come."""
    clock = _now()
    for operation in record.operations.values():
        if operation["Status"] == "RUNNING" and operation["_done_at"] <= clock:
            operation["Status"] = operation["_final_status"]
            operation["EndTimestamp"] = operation["_done_at"]


def _require_idle(record: StackSetRecord) -> None:
    running = [op for op in record.operations.values() if op["Status"] == "RUNNING"]
    if running:
        raise AwsError(
            "OperationInProgressException",
            f"Another Operation on StackSet {record.arn} is in progress: {running[0]['OperationId']}",
        )


_BOTH_PREFERENCES = (("MaxConcurrentCount", "MaxConcurrentPercentage"),
                     ("FailureToleranceCount", "FailureTolerancePercentage"))


def _check_preferences(params: dict) -> None:
    preferences = params.get("OperationPreferences") or {}
    for count, percentage in _BOTH_PREFERENCES:
        if count in preferences and percentage in preferences:
            raise AwsError("ValidationError", f"You can specify either {count} or {percentage}, but not both.")


def _find(response, name_or_id: str) -> StackSetRecord:
    from moto.cloudformation.exceptions import StackSetNotFoundException

    store = _store(response)
    record = store.get(name_or_id) or next((r for r in store.values() if r.id == name_or_id), None)
    if record is None:
        raise StackSetNotFoundException(name_or_id)
    _check_call_as(response, record.permission_model, _params(response).get("CallAs", "SELF"))
    _settle(record)
    return record


def _check_call_as(response, permission_model: str, call_as: str) -> None:
    caller = response.current_account
    if call_as == "DELEGATED_ADMIN":
        if not organizations_state.is_delegated_administrator(caller, TRUSTED_PRINCIPAL):
            raise AwsError("ValidationError", NOT_DELEGATED_ADMIN.format(account=caller))
        return
    if permission_model == "SERVICE_MANAGED" and not organizations_state.is_management_account(caller):
        raise AwsError("ValidationError", NOT_ORG_ADMIN)


def _new_operation_id(record: StackSetRecord, requested: str | None, action: str) -> tuple[str, bool]:
    """(operation id, already done): a repeated id for the same action is the same request."""
    if not requested:
        return str(uuid.uuid4()), False
    existing = record.operations.get(requested)
    if existing is None:
        return requested, False
    if existing["Action"] == action:
        return requested, True
    raise AwsError("OperationIdAlreadyExistsException", f"The operation ID {requested} already exists.")


def _template(response, params: dict) -> str | None:
    body = params.get("TemplateBody")
    if body is None and params.get("TemplateURL"):
        body = response._get_stack_from_s3_url(params["TemplateURL"])
    return body


def _parameter_dict(parameters: list[dict], overrides: list[dict]) -> dict[str, str]:
    values = {p["ParameterKey"]: p.get("ParameterValue") for p in parameters if "ParameterValue" in p}
    values.update({p["ParameterKey"]: p.get("ParameterValue") for p in overrides if "ParameterValue" in p})
    return values


# -- targets --------------------------------------------------------------------------------
def _org_backend(record: StackSetRecord):
    backend = organizations_state.management_backend(record.admin_account)
    if backend is None:
        raise AwsError("ValidationError", NOT_ORG_ADMIN)
    return backend


def _service_managed_accounts(record: StackSetRecord, targets: dict) -> list[tuple[str, str | None]]:
    """(account, OU it was reached through) for service-managed DeploymentTargets."""
    backend = _org_backend(record)
    ou_ids = list(targets.get("OrganizationalUnitIds") or [])
    accounts = list(targets.get("Accounts") or [])
    filter_type = targets.get("AccountFilterType") or ("UNION" if accounts else "NONE")
    if not ou_ids:
        raise AwsError("ValidationError", "OrganizationalUnitIds are required")
    missing = [ou for ou in ou_ids if not organizations_state.ou_exists(backend, ou)]
    if missing:
        raise AwsError("ValidationError", f"OrganizationalUnitIds {missing} could not be found in the organization")
    reached: dict[str, str | None] = {}
    for ou in ou_ids:
        for account in organizations_state.accounts_beneath(backend, [ou]):
            reached.setdefault(account, ou)
    if filter_type == "INTERSECTION":
        reached = {a: ou for a, ou in reached.items() if a in accounts}
    elif filter_type == "DIFFERENCE":
        reached = {a: ou for a, ou in reached.items() if a not in accounts}
    elif filter_type == "UNION":
        for account in accounts:
            reached.setdefault(account, None)
    active = {a.id for a in backend.accounts if a.status == "ACTIVE"}
    management = backend.org.master_account_id
    return [(a, ou) for a, ou in reached.items() if a != management and a in active]


def _targets(record: StackSetRecord, params: dict) -> list[tuple[str, str | None]]:
    targets = params.get("DeploymentTargets") or {}
    if record.service_managed:
        if params.get("Accounts"):
            raise AwsError(
                "ValidationError",
                "StackSets with SERVICE_MANAGED permission model can only have OrganizationalUnit as target",
            )
        return _service_managed_accounts(record, targets)
    if targets.get("OrganizationalUnitIds"):
        raise AwsError(
            "ValidationError", "StackSets with SELF_MANAGED permission model can only have accounts as target"
        )
    return [(a, None) for a in (params.get("Accounts") or targets.get("Accounts") or [])]


# -- stack instances ------------------------------------------------------------------------
_IAM_TYPES = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Policy",
              "AWS::IAM::ManagedPolicy", "AWS::IAM::InstanceProfile", "AWS::IAM::AccessKey")
_IAM_NAMES = ("RoleName", "UserName", "GroupName", "ManagedPolicyName", "InstanceProfileName")


def _required_capability(template: str) -> str | None:
    """CAPABILITY_NAMED_IAM for a named IAM resource, CAPABILITY_IAM for other IAM resources."""
    from moto.cloudformation.models import Stack

    resources = (Stack.parse_template(template) or {}).get("Resources") or {}
    iam = [r for r in resources.values() if isinstance(r, dict) and r.get("Type") in _IAM_TYPES]
    if any(name in (r.get("Properties") or {}) for r in iam for name in _IAM_NAMES):
        return "CAPABILITY_NAMED_IAM"
    return "CAPABILITY_IAM" if iam else None


def _missing_capability(record: StackSetRecord) -> str | None:
    required = _required_capability(record.template)
    granted = set(record.capabilities)
    if required == "CAPABILITY_NAMED_IAM" and required not in granted:
        return required
    if required == "CAPABILITY_IAM" and not granted & {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"}:
        return required
    return None


def _deploy(record: StackSetRecord, instance: Instance, operation_id: str) -> dict:
    """Create or update the instance's stack in its account and region; returns the result."""
    from moto.cloudformation.models import Stack
    from moto.cloudformation.utils import generate_stack_id

    parameters = _parameter_dict(record.parameters, instance.parameter_overrides)
    instance.last_operation_id = operation_id
    missing = _missing_capability(record)
    if missing:
        instance.status, instance.detailed_status = "OUTDATED", "FAILED"
        instance.status_reason = f"Requires capabilities : [{missing}]"
        return _result(instance, "FAILED", instance.status_reason)
    try:
        if instance.stack is None:
            stack_name = f"StackSet-{record.name}-{uuid.uuid4()}"
            stack = Stack(
                stack_id=generate_stack_id(stack_name, instance.region, instance.account),
                name=stack_name, template=record.template, parameters=parameters,
                account_id=instance.account, region_name=instance.region,
            )
            try:
                stack.create_resources()
            except Exception:
                _roll_back(stack)  # CloudFormation rolls a failed stack creation back
                raise
            instance.stack = stack
        else:
            instance.stack.update(template=record.template, parameters=parameters)
        instance.status, instance.detailed_status, instance.status_reason = "CURRENT", "SUCCEEDED", None
        return _result(instance, "SUCCEEDED")
    except Exception as error:  # a template that fails in one account fails that instance only
        instance.status, instance.detailed_status = "OUTDATED", "FAILED"
        instance.status_reason = f"Resource creation failed: {error}"
        return _result(instance, "FAILED", instance.status_reason)


def _roll_back(stack) -> None:
    try:
        stack.delete()
    except Exception:  # noqa: BLE001 - rollback is best effort, the creation error is what matters
        pass


def _remove(instance: Instance, retain: bool) -> dict:
    if instance.stack is not None and not retain:
        instance.stack.delete()
    return _result(instance, "SUCCEEDED")


def _result(instance: Instance, status: str, reason: str | None = None) -> dict:
    result = {
        "Account": instance.account,
        "Region": instance.region,
        "Status": status,
        "AccountGateResult": {"Status": "SKIPPED", "StatusReason": "AccountGate is not configured"},
    }
    if reason:
        result["StatusReason"] = reason
    if instance.ou_id:
        result["OrganizationalUnitId"] = instance.ou_id
    return result


def _record_operation(record, operation_id, action, results, params, retain=None) -> dict:
    failed = sum(1 for r in results if r["Status"] == "FAILED")
    exceeded = _tolerance_exceeded(results, params.get("OperationPreferences") or {})
    started = _now()
    final_status = "FAILED" if exceeded else "SUCCEEDED"
    duration = realism.current().seconds("stackset_operation_seconds")
    operation = {
        "OperationId": operation_id,
        "StackSetId": record.id,
        "Action": action,
        "Status": "RUNNING" if duration > 0 else final_status,
        "CreationTimestamp": started,
        "StatusDetails": {"FailedStackInstancesCount": failed},
        "results": results,
        "_final_status": final_status,
        "_done_at": started + timedelta(seconds=duration),
    }
    if duration <= 0:
        operation["EndTimestamp"] = started
    if params.get("OperationPreferences"):
        operation["OperationPreferences"] = params["OperationPreferences"]
    if params.get("DeploymentTargets"):
        operation["DeploymentTargets"] = params["DeploymentTargets"]
    if retain is not None:
        operation["RetainStacks"] = retain
    if not record.service_managed:
        operation["AdministrationRoleARN"] = record.administration_role_arn
        operation["ExecutionRoleName"] = record.execution_role_name
    if exceeded:
        operation["StatusReason"] = f"{failed} stack instance(s) failed"
    record.operations[operation_id] = operation
    return operation


def _tolerance_exceeded(results: list[dict], preferences: dict) -> bool:
    """FailureToleranceCount / FailureTolerancePercentage apply per region (default 0)
    (API_StackSetOperationPreferences.html)."""
    per_region: dict[str, list[dict]] = {}
    for result in results:
        per_region.setdefault(result["Region"], []).append(result)
    for region_results in per_region.values():
        failed = sum(1 for r in region_results if r["Status"] == "FAILED")
        if "FailureTolerancePercentage" in preferences:
            tolerance = int(len(region_results) * int(preferences["FailureTolerancePercentage"]) / 100)
        else:
            tolerance = int(preferences.get("FailureToleranceCount") or 0)
        if failed > tolerance:
            return True
    return False


def _public_operation(operation: dict) -> dict:
    return {k: v for k, v in operation.items() if k != "results" and not k.startswith("_")}


# -- handlers --------------------------------------------------------------------------------
def create_stack_set(self):
    params = _params(self)
    name = params.get("StackSetName")
    permission_model = params.get("PermissionModel") or "SELF_MANAGED"
    call_as = params.get("CallAs", "SELF")
    with _lock:
        _check_call_as(self, permission_model, call_as)
        if permission_model == "SERVICE_MANAGED" and not organizations_state.trusted_access_enabled(
            TRUSTED_PRINCIPAL, self.current_account
        ):
            raise AwsError("ValidationError", NO_TRUSTED_ACCESS)
        store = _store(self)
        if name in store:
            from moto.cloudformation.exceptions import AlreadyExistsException

            raise AlreadyExistsException(f"StackSet {name} already exists")
        template = _template(self, params)
        if not template:
            raise AwsError("ValidationError", "Either TemplateBody or TemplateURL must be specified")
        record = StackSetRecord(
            name=name, admin_account=self.current_account, region=self.region, template=template,
            parameters=params.get("Parameters") or [], permission_model=permission_model,
            description=params.get("Description"), capabilities=params.get("Capabilities") or [],
            tags=params.get("Tags") or [], call_as=call_as,
            auto_deployment=params.get("AutoDeployment") if permission_model == "SERVICE_MANAGED" else None,
            managed_execution=params.get("ManagedExecution") or {"Active": False},
        )
        if permission_model != "SERVICE_MANAGED":
            record.administration_role_arn = params.get("AdministrationRoleARN") or (
                f"arn:aws:iam::{self.current_account}:role/AWSCloudFormationStackSetAdministrationRole"
            )
            record.execution_role_name = params.get("ExecutionRoleName") or "AWSCloudFormationStackSetExecutionRole"
        store[name] = record
        return ActionResult({"StackSetId": record.id})


def describe_stack_set(self):
    with _lock:
        record = _find(self, _params(self).get("StackSetName"))
        return ActionResult({"StackSet": record.describe()})


def list_stack_sets(self):
    params = _params(self)
    with _lock:
        call_as = params.get("CallAs", "SELF")
        if call_as == "DELEGATED_ADMIN":
            _check_call_as(self, "SERVICE_MANAGED", call_as)
        records = [r for r in _store(self).values() if params.get("Status") in (None, r.status)]
        return ActionResult(_page(params, "Summaries", [r.summary() for r in records]))


def update_stack_set(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        operation_id, done = _new_operation_id(record, params.get("OperationId"), "UPDATE")
        if done:
            return ActionResult({"OperationId": operation_id})
        _require_idle(record)
        _check_preferences(params)
        if params.get("UsePreviousTemplate"):
            template = record.template
        else:
            template = _template(self, params) or record.template
        record.template = template
        if "Parameters" in params:
            previous = {p["ParameterKey"]: p.get("ParameterValue") for p in record.parameters}
            record.parameters = [
                {
                    "ParameterKey": p["ParameterKey"],
                    "ParameterValue": (
                        previous.get(p["ParameterKey"]) if p.get("UsePreviousValue") else p.get("ParameterValue")
                    ),
                }
                for p in params["Parameters"]
            ]
        for key, attribute in (("Description", "description"), ("Capabilities", "capabilities"), ("Tags", "tags"),
                               ("ManagedExecution", "managed_execution")):
            if key in params:
                setattr(record, attribute, params[key])
        if record.service_managed and "AutoDeployment" in params:
            record.auto_deployment = params["AutoDeployment"]
        scope = set(record.instances)
        if params.get("Regions") and (params.get("Accounts") or params.get("DeploymentTargets")):
            accounts = {a for a, _region in _targets(record, params)}
            scope = {key for key in scope if key[0] in accounts and key[1] in set(params["Regions"])}
        results = [_deploy(record, record.instances[key], operation_id) for key in sorted(scope)]
        _record_operation(record, operation_id, "UPDATE", results, params)
        return ActionResult({"OperationId": operation_id})


def delete_stack_set(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        _require_idle(record)
        if record.instances:
            from moto.cloudformation.exceptions import StackSetNotEmpty

            raise StackSetNotEmpty()
        del _store(self)[record.name]
        return EmptyResult()


def create_stack_instances(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        operation_id, done = _new_operation_id(record, params.get("OperationId"), "CREATE")
        if done:
            return ActionResult({"OperationId": operation_id})
        _require_idle(record)
        _check_preferences(params)
        regions = params.get("Regions") or []
        targets = _targets(record, params)
        results = []
        for region in regions:
            for account, ou in targets:
                instance = record.instances.get((account, region))
                if instance is None:
                    instance = Instance(account, region, ou, params.get("ParameterOverrides") or [])
                    record.instances[(account, region)] = instance
                elif params.get("ParameterOverrides"):
                    instance.parameter_overrides = params["ParameterOverrides"]
                results.append(_deploy(record, instance, operation_id))
        if record.service_managed:
            for ou in (params.get("DeploymentTargets") or {}).get("OrganizationalUnitIds") or []:
                record.ou_targets.setdefault(ou, set()).update(regions)
        _record_operation(record, operation_id, "CREATE", results, params)
        return ActionResult({"OperationId": operation_id})


def update_stack_instances(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        operation_id, done = _new_operation_id(record, params.get("OperationId"), "UPDATE")
        if done:
            return ActionResult({"OperationId": operation_id})
        _require_idle(record)
        _check_preferences(params)
        regions = params.get("Regions") or []
        results = []
        for region in regions:
            for account, _ou in _targets(record, params):
                instance = record.instances.get((account, region))
                if instance is None:
                    from moto.cloudformation.exceptions import StackInstanceNotFound

                    raise StackInstanceNotFound()
                # Absent ParameterOverrides leave the present values; an empty list resets them
                # (CloudFormation API reference, UpdateStackInstances, ParameterOverrides).
                if "ParameterOverrides" in params:
                    instance.parameter_overrides = params["ParameterOverrides"] or []
                results.append(_deploy(record, instance, operation_id))
        _record_operation(record, operation_id, "UPDATE", results, params)
        return ActionResult({"OperationId": operation_id})


def delete_stack_instances(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        operation_id, done = _new_operation_id(record, params.get("OperationId"), "DELETE")
        if done:
            return ActionResult({"OperationId": operation_id})
        _require_idle(record)
        _check_preferences(params)
        regions = set(params.get("Regions") or [])
        retain = bool(params.get("RetainStacks", False))
        accounts = {account for account, _region in _targets(record, params)}
        results = []
        for key in sorted(record.instances):
            if key[0] in accounts and key[1] in regions:
                instance = record.instances.pop(key)
                instance.last_operation_id = operation_id
                results.append(_remove(instance, retain))
        if record.service_managed:
            for ou in (params.get("DeploymentTargets") or {}).get("OrganizationalUnitIds") or []:
                remaining = record.ou_targets.get(ou, set()) - regions
                if remaining:
                    record.ou_targets[ou] = remaining
                else:
                    record.ou_targets.pop(ou, None)
        _record_operation(record, operation_id, "DELETE", results, params, retain=retain)
        return ActionResult({"OperationId": operation_id})


def _instance_summary(record: StackSetRecord, instance: Instance) -> dict:
    summary = {
        "StackSetId": record.id,
        "Region": instance.region,
        "Account": instance.account,
        "Status": instance.status,
        "StackInstanceStatus": {"DetailedStatus": instance.detailed_status},
        "DriftStatus": "NOT_CHECKED",
    }
    if instance.stack is not None:
        summary["StackId"] = instance.stack.stack_id
    if instance.status_reason:
        summary["StatusReason"] = instance.status_reason
    if instance.ou_id:
        summary["OrganizationalUnitId"] = instance.ou_id
    if instance.last_operation_id:
        summary["LastOperationId"] = instance.last_operation_id
    return summary


def list_stack_instances(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        instances = [record.instances[key] for key in sorted(record.instances)]
        if params.get("StackInstanceAccount"):
            instances = [i for i in instances if i.account == params["StackInstanceAccount"]]
        if params.get("StackInstanceRegion"):
            instances = [i for i in instances if i.region == params["StackInstanceRegion"]]
        for stack_filter in params.get("Filters") or []:
            name, value = stack_filter.get("Name"), stack_filter.get("Values")
            if name == "DETAILED_STATUS":
                instances = [i for i in instances if i.detailed_status == value]
            elif name == "LAST_OPERATION_ID":
                instances = [i for i in instances if i.last_operation_id == value]
        summaries = [_instance_summary(record, i) for i in instances]
        return ActionResult(_page(params, "Summaries", summaries))


def describe_stack_instance(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        instance = record.instances.get((params.get("StackInstanceAccount"), params.get("StackInstanceRegion")))
        if instance is None:
            from moto.cloudformation.exceptions import StackInstanceNotFound

            raise StackInstanceNotFound()
        described = _instance_summary(record, instance)
        described["ParameterOverrides"] = instance.parameter_overrides
        return ActionResult({"StackInstance": described})


def _operation(record: StackSetRecord, operation_id: str) -> dict:
    operation = record.operations.get(operation_id)
    if operation is None:
        raise AwsError("OperationNotFoundException", f"Operation {operation_id} not found")
    return operation


def describe_stack_set_operation(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        return ActionResult({"StackSetOperation": _public_operation(_operation(record, params.get("OperationId")))})


def list_stack_set_operations(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        keys = ("OperationId", "Action", "Status", "CreationTimestamp", "EndTimestamp", "StatusReason",
                "StatusDetails", "OperationPreferences")
        summaries = [
            {k: op[k] for k in keys if k in op}
            for op in sorted(record.operations.values(), key=lambda op: op["CreationTimestamp"], reverse=True)
        ]
        return ActionResult(_page(params, "Summaries", summaries))


def list_stack_set_operation_results(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        results = list(_operation(record, params.get("OperationId"))["results"])
        for result_filter in params.get("Filters") or []:
            if result_filter.get("Name") == "OPERATION_RESULT_STATUS":
                results = [r for r in results if r["Status"] == result_filter.get("Values")]
        return ActionResult(_page(params, "Summaries", results))


def stop_stack_set_operation(self):
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        operation = _operation(record, params.get("OperationId"))
        if operation["Status"] not in ("RUNNING", "QUEUED"):
            raise AwsError("InvalidOperationException", "The operation is not in progress and cannot be stopped.")
        return EmptyResult()


def list_stack_set_auto_deployment_targets(self):
    """The OUs (and their regions) that auto-deployment serves (API_ListStackSetAutoDeploymentTargets.html)."""
    params = _params(self)
    with _lock:
        record = _find(self, params.get("StackSetName"))
        summaries = [{"OrganizationalUnitId": ou, "Regions": sorted(regions)} for ou, regions in
                     sorted(record.ou_targets.items())] if (record.auto_deployment or {}).get("Enabled") else []
        return ActionResult(_page(params, "Summaries", summaries))


def activate_organizations_access(self):
    management = _management_for_access(self)
    management.enable_aws_service_access(ServicePrincipal=TRUSTED_PRINCIPAL)
    return EmptyResult()


def deactivate_organizations_access(self):
    management = _management_for_access(self)
    management.disable_aws_service_access(ServicePrincipal=TRUSTED_PRINCIPAL)
    return EmptyResult()


def describe_organizations_access(self):
    params = _params(self)
    if params.get("CallAs") == "DELEGATED_ADMIN":
        _check_call_as(self, "SERVICE_MANAGED", "DELEGATED_ADMIN")
    elif not organizations_state.is_management_account(self.current_account):
        raise AwsError("ValidationError", NOT_ORG_ADMIN)
    enabled = organizations_state.trusted_access_enabled(TRUSTED_PRINCIPAL, self.current_account)
    return ActionResult({"Status": "ENABLED" if enabled else "DISABLED"})


def _management_for_access(response):
    if not organizations_state.is_management_account(response.current_account):
        raise AwsError("InvalidOperationException", NOT_ORG_ADMIN)
    return organizations_state.management_backend(response.current_account)


def _page(params: dict, key: str, items: list) -> dict:
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or 100)
    result = {key: items[start : start + size]}
    if start + size < len(items):
        result["NextToken"] = str(start + size)
    return result


# -- auto-deployment ----------------------------------------------------------------------------
def _ancestors(backend, parent_id: str) -> set[str]:
    parents = {ou.id: getattr(ou, "parent_id", None) for ou in backend.ou}
    seen = set()
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        parent_id = parents.get(parent_id)
    return seen


def auto_deploy(management_account: str, account_id: str) -> None:
    """Reconcile service-managed stack sets with auto-deployment after ``account_id`` joined,
    moved or left (AWS AutoDeployment). Cheap when no such stack set exists."""
    with _lock:
        records = [
            r for store in _stores.values() for r in store.values()
            if r.service_managed and (r.auto_deployment or {}).get("Enabled")
        ]
        if not records:
            return
        backend = organizations_state.management_backend(management_account)
        account = next((a for a in backend.accounts if a.id == account_id), None) if backend else None
        in_org = account is not None and account.status == "ACTIVE" and account_id != management_account
        ancestors = _ancestors(backend, account.parent_id) if in_org else set()
        for record in records:
            if organizations_state.management_backend(record.admin_account) is not backend:
                continue
            wanted: dict[str, str] = {}
            for ou, regions in record.ou_targets.items():
                if ou in ancestors:
                    for region in regions:
                        wanted.setdefault(region, ou)
            operation_id = str(uuid.uuid4())
            results = []
            for region, ou in sorted(wanted.items()):
                if (account_id, region) not in record.instances:
                    instance = Instance(account_id, region, ou, [])
                    record.instances[(account_id, region)] = instance
                    results.append(_deploy(record, instance, operation_id))
            retain = bool((record.auto_deployment or {}).get("RetainStacksOnAccountRemoval"))
            for key in [k for k in record.instances if k[0] == account_id and k[1] not in wanted]:
                if record.instances[key].ou_id is None:
                    continue  # reached through UNION Accounts, not through an OU
                results.append(_remove(record.instances.pop(key), retain))
            if results:
                _record_operation(record, operation_id, "CREATE" if wanted else "DELETE", results, {})


def _with_json_inline_policies(cloudformation_json):
    """moto stores an inline policy written as a template object with str(dict), a Python repr;
    IAM keeps the JSON document and GetRolePolicy returns it (AWS::IAM::Role "Policies", IAM API
    Reference GetRolePolicy: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html)."""
    properties = cloudformation_json.get("Properties", {})
    if not properties.get("Policies"):
        return cloudformation_json
    policies = [
        dict(policy, PolicyDocument=policy["PolicyDocument"] if isinstance(policy.get("PolicyDocument"), str)
             else json.dumps(policy.get("PolicyDocument")))
        for policy in properties["Policies"]
    ]
    return dict(cloudformation_json, Properties=dict(properties, Policies=policies))


def _role_with_managed_policies(create, delete):
    """moto's AWS::IAM::Role ignores ManagedPolicyArns; CloudFormation attaches them on create
    and detaches them on delete (AWS::IAM::Role, "ManagedPolicyArns", CloudFormation
    Template Reference: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html)."""
    from moto.iam.models import iam_backends

    def create_role(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        cloudformation_json = _with_json_inline_policies(cloudformation_json)
        role = create.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        backend = iam_backends[account_id]["global"]
        for policy_arn in cloudformation_json.get("Properties", {}).get("ManagedPolicyArns") or []:
            backend.attach_role_policy(policy_arn, role.name)
        return role

    def delete_role(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        backend = iam_backends[account_id]["global"]
        role = next((r for r in backend.roles.values() if r.name == resource_name), None)
        if role is not None:
            for policy_arn in list(role.managed_policies):
                backend.detach_role_policy(policy_arn, role.name)
        return delete.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    return classmethod(create_role), classmethod(delete_role)


def _role_update_with_trust_policy(update):
    """moto's AWS::IAM::Role update ignores AssumeRolePolicyDocument; CloudFormation updates the
    role's trust policy in place ("Update requires: No interruption", AWS::IAM::Role,
    CloudFormation Template Reference:
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html)."""
    import json

    from moto.iam.models import iam_backends

    def update_role(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        role = update.__func__(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        document = cloudformation_json.get("Properties", {}).get("AssumeRolePolicyDocument")
        if document is not None:
            if not isinstance(document, str):
                document = json.dumps(document)
            iam_backends[account_id]["global"].update_assume_role_policy(role.name, document)
        return role

    return classmethod(update_role)


def _delete_managed_policy(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """moto leaves an AWS::IAM::ManagedPolicy behind when its stack is deleted. While still
    attached, deleting fails (IAM DeleteConflict) and moto's delete loop retries it after
    the role went."""
    from moto.iam.exceptions import DeleteConflictException
    from moto.iam.models import iam_backends

    backend = iam_backends[account_id]["global"]
    policy = backend.managed_policies.get(resource_name)
    if policy is None:
        return
    if policy.attachment_count:
        raise DeleteConflictException("Cannot delete a policy attached to entities.")
    backend.delete_policy(resource_name)


def _after_account_change(original, account_of):
    def wrapper(self, **kwargs):
        result = original(self, **kwargs)
        account_id = account_of(kwargs, result)
        if account_id and self.org is not None:
            auto_deploy(self.account_id, account_id)
        return result

    return wrapper


def install() -> None:
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.organizations.models import OrganizationsBackend

    if getattr(CloudFormationResponse, "_radiant_stacksets", False):
        return
    for handler in (
        create_stack_set, describe_stack_set, list_stack_sets, update_stack_set, delete_stack_set,
        create_stack_instances, update_stack_instances, delete_stack_instances, list_stack_instances,
        describe_stack_instance, describe_stack_set_operation, list_stack_set_operations,
        list_stack_set_operation_results, stop_stack_set_operation, list_stack_set_auto_deployment_targets,
        activate_organizations_access,
        deactivate_organizations_access, describe_organizations_access,
    ):
        setattr(CloudFormationResponse, handler.__name__, handler)
    # moto reshapes its own StackSet's dict-typed Parameters/Tags; ours are already lists.
    for key in ("DescribeStackSetOutput.StackSet.Parameters", "DescribeStackSetOutput.StackSet.Tags"):
        CloudFormationResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER.pop(key, None)
    from moto.iam.models import ManagedPolicy, Role

    ManagedPolicy.delete_from_cloudformation_json = classmethod(_delete_managed_policy)

    Role.create_from_cloudformation_json, Role.delete_from_cloudformation_json = _role_with_managed_policies(
        Role.create_from_cloudformation_json, Role.delete_from_cloudformation_json
    )
    Role.update_from_cloudformation_json = _role_update_with_trust_policy(Role.update_from_cloudformation_json)
    OrganizationsBackend.move_account = _after_account_change(
        OrganizationsBackend.move_account, lambda kwargs, _result: kwargs.get("AccountId")
    )
    OrganizationsBackend.create_account = _after_account_change(
        OrganizationsBackend.create_account,
        lambda _kwargs, result: (result or {}).get("CreateAccountStatus", {}).get("AccountId"),
    )
    original_remove = OrganizationsBackend.remove_account_from_organization

    def remove_account_from_organization(self, **kwargs):
        management = self.account_id
        original_remove(self, **kwargs)
        auto_deploy(management, kwargs.get("AccountId"))

    OrganizationsBackend.remove_account_from_organization = remove_account_from_organization
    from moto.cloudformation.models import Stack

    Stack.parse_template = staticmethod(_parse_once(Stack.parse_template))
    CloudFormationResponse._radiant_stacksets = True


def _parse_once(parse):
    """moto parses a stack's template (pure-Python YAML, ~5 ms) for every stack it creates: a StackSet
    deploying to 1,000 accounts parsed the same text 1,000 times. Parse each text once; every stack
    still gets its own copy, since moto may change the parsed dict."""
    parsed = functools.lru_cache(maxsize=16)(parse)

    def parse_template(template):
        if not isinstance(template, str):
            return parse(template)
        return copy.deepcopy(parsed(template))

    parse_template.__wrapped__ = parse
    return parse_template
