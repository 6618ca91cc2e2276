#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudformation_stackset
short_description: Manage a service-managed CloudFormation StackSet and its stack instances across an organization
version_added: 0.1.0
description:
  - Creates or updates a CloudFormation StackSet with the C(SERVICE_MANAGED) permission model and makes its
    stack instances match O(deployment_targets) times O(regions).
  - M(community.aws.cloudformation_stack_set) only handles self-managed permissions; this module deploys
    through AWS Organizations (organizational units or the whole organization), with auto-deployment and
    call-as-delegated-administrator.
  - The accounts a target reaches are read from Organizations (every account beneath an OU, nested OUs
    included), as StackSets expands them. StackSets never deploys to the management account, and suspended
    accounts are neither deployed to nor purged.
  - The stack set is updated (one operation that updates every instance) only when a managed property
    differs. Missing instances are created for exactly the missing accounts and regions; instances outside
    the targets are deleted when O(purge_instances=true); wanted instances left C(OUTDATED) by a failed
    operation are deployed again (C(UpdateStackInstances)).
  - Each operation gets a client-supplied C(OperationId) (CloudFormation's idempotency token), is waited for
    at most O(wait_timeout) seconds, and its per-account results are returned; the module fails, listing
    each failed account and region, when an operation fails.
  - O(state=absent) deletes every stack instance (by the organizational units they were deployed through),
    then the stack set.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  name:
    description:
      - The stack set's name.
    type: str
    required: true
  state:
    description:
      - V(present) makes the stack set and its instances exist; V(absent) deletes them.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - The stack set's description. When omitted, the current one is kept.
    type: str
  template:
    description:
      - Path of a file with the template (JSON or YAML). Mutually exclusive with O(template_body).
      - One of them is required to create the stack set; when both are omitted the current template is kept.
    type: path
  template_body:
    description:
      - The template itself. Mutually exclusive with O(template).
    type: str
  parameters:
    description:
      - Template parameters, name to value. Booleans, numbers and lists are turned into CloudFormation's
        strings (lists comma-separated).
      - Parameters not listed keep their current values. Parameters declared C(NoEcho) cannot be read back,
        so a change of their value alone is not detected.
    type: dict
  capabilities:
    description:
      - Capabilities the template needs, for example C(CAPABILITY_NAMED_IAM) for named IAM roles.
        When omitted, the current ones are kept.
    type: list
    elements: str
    choices: [CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND]
  auto_deployment:
    description:
      - Whether StackSets deploys to accounts that later join a targeted OU (and removes the instances of
        accounts that leave). When omitted on creation, auto-deployment is off; on update, it is kept.
    type: dict
    suboptions:
      enabled:
        description: Turn auto-deployment on or off.
        type: bool
        required: true
      retain_stacks_on_account_removal:
        description: Keep the stacks (and their resources) of accounts that leave a targeted OU.
        type: bool
        default: false
  deployment_targets:
    description:
      - Where the stack instances go. Required with O(regions) to manage instances; without both, only the
        stack set itself is managed.
    type: dict
    suboptions:
      organizational_unit_ids:
        description:
          - Organizational unit ids (C(ou-...)) or the organization's root id (C(r-...)).
        type: list
        elements: str
      whole_organization:
        description:
          - Target the organization's root, found with Organizations C(ListRoots). Mutually exclusive with
            O(deployment_targets.organizational_unit_ids).
        type: bool
        default: false
      accounts:
        description:
          - Accounts for O(deployment_targets.account_filter_type).
        type: list
        elements: str
      account_filter_type:
        description:
          - V(NONE) deploys to every account beneath the OUs; V(INTERSECTION) only to the listed accounts
            beneath them; V(DIFFERENCE) to every account beneath them except the listed ones.
          - C(UNION) is not offered because C(CreateStackInstances) does not support it.
        type: str
        choices: [NONE, INTERSECTION, DIFFERENCE]
        default: NONE
  regions:
    description:
      - Regions of the stack instances.
    type: list
    elements: str
  purge_instances:
    description:
      - Delete stack instances outside O(deployment_targets) times O(regions).
    type: bool
    default: true
  retain_stacks:
    description:
      - When stack instances are deleted (purged, or O(state=absent)), keep their stacks and resources in the
        accounts.
    type: bool
    default: false
  operation_preferences:
    description:
      - How CloudFormation runs each operation across accounts and regions.
    type: dict
    suboptions:
      max_concurrent_count:
        description: Accounts per region deployed at once. Mutually exclusive with max_concurrent_percentage.
        type: int
      max_concurrent_percentage:
        description: Percentage of accounts per region deployed at once.
        type: int
      failure_tolerance_count:
        description: Failed accounts per region tolerated before the operation stops.
        type: int
      failure_tolerance_percentage:
        description: Percentage of failed accounts per region tolerated.
        type: int
      region_order:
        description: The order in which regions are deployed.
        type: list
        elements: str
      region_concurrency_type:
        description: Deploy regions one after the other or in parallel.
        type: str
        choices: [SEQUENTIAL, PARALLEL]
      concurrency_mode:
        description: How failure tolerance bounds concurrency.
        type: str
        choices: [STRICT_FAILURE_TOLERANCE, SOFT_FAILURE_TOLERANCE]
  call_as:
    description:
      - V(SELF) from the management account; V(DELEGATED_ADMIN) from an account registered as delegated
        administrator for CloudFormation StackSets.
    type: str
    choices: [SELF, DELEGATED_ADMIN]
    default: SELF
  wait_timeout:
    description:
      - How long to wait for each stack set operation, in seconds.
    type: int
    default: 900
notes:
  - Check mode makes no write call; it reads the stack set, its instances and the organization's structure to
    report what would change.
  - Trusted access between CloudFormation StackSets and Organizations must be on.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Role radiant-aws-api-access-role in every account of the organization (seed 001)
  radiant.aws_onboarding.cloudformation_stackset:
    name: radiant-aws-api-access-role
    template: "{{ role_path }}/files/radiant_api_access_role.yml"
    parameters:
      ExternalId: "{{ radiant_external_id }}"
    capabilities: [CAPABILITY_NAMED_IAM]
    auto_deployment:
      enabled: true
      retain_stacks_on_account_removal: false
    deployment_targets:
      whole_organization: true
    regions: [us-east-1]
    operation_preferences:
      max_concurrent_percentage: 100
      failure_tolerance_percentage: 10
      region_concurrency_type: PARALLEL

- name: Only two accounts of the Workloads OU, from the StackSets delegated administrator
  radiant.aws_onboarding.cloudformation_stackset:
    name: radiant-aws-api-access-role
    call_as: DELEGATED_ADMIN
    template_body: "{{ lookup('file', 'radiant_api_access_role.yml') }}"
    capabilities: [CAPABILITY_NAMED_IAM]
    deployment_targets:
      organizational_unit_ids: [ou-abcd-11111111]
      accounts: ["111111111111", "222222222222"]
      account_filter_type: INTERSECTION
    regions: [us-east-1, eu-west-1]

- name: Remove every instance, then the stack set
  radiant.aws_onboarding.cloudformation_stackset:
    name: radiant-aws-api-access-role
    state: absent
"""

RETURN = r"""
stack_set:
  description: The stack set after the run (in check mode, as it would be). Empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The stack set's name.
      type: str
      sample: radiant-aws-api-access-role
    id:
      description: The stack set's id.
      type: str
    arn:
      description: The stack set's ARN.
      type: str
    status:
      description: C(ACTIVE) or C(DELETED).
      type: str
    permission_model:
      description: Always C(SERVICE_MANAGED) for stack sets this module creates.
      type: str
    description:
      description: The description.
      type: str
    template_body:
      description: The template.
      type: str
    parameters:
      description: Template parameters, name to value (C(****) for NoEcho ones).
      type: dict
      sample: {ExternalId: "1234"}
    capabilities:
      description: The acknowledged capabilities.
      type: list
      elements: str
    tags:
      description: The stack set's tags.
      type: dict
    auto_deployment:
      description: Auto-deployment, with C(enabled) and C(retain_stacks_on_account_removal).
      type: dict
      sample: {enabled: true, retain_stacks_on_account_removal: false}
    organizational_unit_ids:
      description: The OUs the stack set has been deployed to.
      type: list
      elements: str
instances:
  description: The stack instances after the run (in check mode, the ones wanted).
  returned: always
  type: list
  elements: dict
  contains:
    account:
      description: The account.
      type: str
    region:
      description: The region.
      type: str
    organizational_unit_id:
      description: The OU the instance was deployed through.
      type: str
    status:
      description: C(CURRENT), C(OUTDATED) or C(INOPERABLE); C(PENDING) in check mode for instances to create.
      type: str
    status_reason:
      description: Why the instance is not current, if it is not.
      type: str
operations:
  description: The stack set operations this run started, in order, with their per-account failures.
  returned: always
  type: list
  elements: dict
  contains:
    operation_id:
      description: The client-supplied OperationId.
      type: str
      sample: radiant-create-instances-3f1b8c1e-8f0e-4d8c-9a51-0d7bb2d1c6a4
    action:
      description: C(CREATE), C(UPDATE) or C(DELETE).
      type: str
    status:
      description: The operation's final status.
      type: str
    status_reason:
      description: AWS's reason, when it gives one.
      type: str
    deployment_targets:
      description: The deployment targets the operation was given (for instance operations).
      type: dict
    regions:
      description: The regions the operation was given (for instance operations).
      type: list
      elements: str
    failures:
      description: Accounts and regions whose result was not C(SUCCEEDED), with C(account), C(region),
        C(organizational_unit_id), C(status) and C(status_reason).
      type: list
      elements: dict
    waited_for:
      description:
        - Operations already running on the stack set (for example an auto-deployment after an account moved)
          that the module waited for, bounded by O(wait_timeout), before starting this one. CloudFormation runs one
          operation per stack set at a time.
      type: list
      elements: str
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError

    AWS_ERRORS = (BotoCoreError, ClientError)
except ImportError:
    AWS_ERRORS = ()  # AnsibleAWSModule reports the missing botocore

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import stackset as ss
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import WaitTimeout, diff_of


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
        "parameters": ss.parameters_to_dict(stack_set.get("Parameters")),
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
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = module.params["name"]
        self.call_as = module.params["call_as"]
        self.client = aws_client(module, "cloudformation")
        self.operations = []

    # -- errors -------------------------------------------------------------------------
    def fail_aws(self, error, action):
        code, message = "", ""
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "")
        advice = ss.explain_stackset_error(code, message, self.name, self.call_as)
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
            parameters = dict((key, ss.parameter_value(value)) for key, value in parameters.items())
        return {
            "TemplateBody": body,
            "Parameters": parameters,
            "Capabilities": self.params["capabilities"],
            "Description": self.params["description"],
            "Tags": self.params["tags"],
            "AutoDeployment": ss.auto_deployment(self.params["auto_deployment"]),
        }

    def target_plan(self, instances):
        """What the deployment targets ask of the instances: missing pairs, extra {pair: ou},
        OUTDATED pairs to redeploy, and the create and retry requests."""
        plan = {"missing": set(), "extra": {}, "outdated": set(), "creates": [], "retries": []}
        targets = self.params["deployment_targets"]
        regions = self.params["regions"]
        if targets is None or regions is None:
            return plan
        organizations = aws_client(self.module, "organizations")
        try:
            ou_ids = targets["organizational_unit_ids"] or []
            if targets["whole_organization"]:
                ou_ids = [ss.organization_root_id(organizations)]
            under = ss.accounts_under(organizations, ou_ids)
            management = ss.management_account_id(organizations)
        except AWS_ERRORS as e:
            self.module.fail_json_aws(e, msg="Failed to read the organization's accounts for the deployment targets")
        deployable, targeted = ss.target_accounts(
            under, targets["account_filter_type"], targets["accounts"], management
        )
        plan["missing"], plan["extra"] = ss.plan_instances(
            ss.instance_pairs(instances), deployable, targeted, regions, self.params["purge_instances"]
        )
        plan["outdated"] = ss.outdated_pairs(instances, deployable, regions)
        plan["creates"] = ss.create_requests(plan["missing"], ou_ids, under, management)
        plan["retries"] = ss.retry_requests(plan["outdated"], ou_ids)
        return plan

    # -- reads --------------------------------------------------------------------------
    def read(self):
        try:
            stack_set = ss.describe_stack_set(self.client, self.name, self.call_as)
            instances = ss.list_stack_instances(self.client, self.name, self.call_as) if stack_set else []
        except AWS_ERRORS as e:
            self.fail_aws(e, "read")
        return stack_set, instances

    # -- operations ---------------------------------------------------------------------
    def run_operation(self, action, call, request, targets=None, regions=None):
        """Start one operation with our own OperationId, wait for it, record its results."""
        operation_id = ss.new_operation_id(action)
        request = dict(request)
        request.update(ss.call_as_kwargs(self.call_as))
        preferences = ss.operation_preferences(self.params["operation_preferences"])
        if preferences:
            request["OperationPreferences"] = preferences
        waited = []
        try:
            waited = ss.wait_until_idle(self.client, self.name, self.params["wait_timeout"], self.call_as)
            try:
                call(OperationId=operation_id, aws_retry=True, **request)
            except ClientError as e:
                if e.response.get("Error", {}).get("Code") != "OperationInProgressException":
                    raise
                # Another operation (an auto-deployment) started between the check and the call.
                waited += ss.wait_until_idle(self.client, self.name, self.params["wait_timeout"], self.call_as)
                call(OperationId=operation_id, aws_retry=True, **request)
            operation = ss.wait_for_operation(
                self.client, self.name, operation_id, self.params["wait_timeout"], self.call_as
            )
            failures = ss.operation_failures(self.client, self.name, operation_id, self.call_as)
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
                    ": " + ss.describe_failures(failures) if failures else "",
                ),
                operations=self.operations,
            )
        if failures:
            self.module.warn(
                "Stack set {0} operation {1} succeeded within its failure tolerance, but: {2}".format(
                    self.name, operation_id, ss.describe_failures(failures)
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
        existing = ss.instance_pairs(instances)
        plan = self.target_plan(instances)
        missing, extra = plan["missing"], plan["extra"]
        changes = ss.stack_set_changes(current, desired, self.params["purge_tags"]) if current else ["create"]
        changed = bool(changes or missing or extra or plan["outdated"])

        before = {
            "stack_set": stack_set_view(current),
            "instances": ss.instances_by_region(existing),
            "outdated_instances": ss.instances_by_region(plan["outdated"]),
        }
        after_pairs = (set(existing) - set(extra)) | missing
        predicted = self.predicted_stack_set(current, desired, changes)
        after = {
            "stack_set": stack_set_view(predicted),
            "instances": ss.instances_by_region(after_pairs),
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
                    ClientRequestToken=ss.new_operation_id("create-stack-set"),
                    aws_retry=True,
                    **dict(ss.create_stack_set_request(self.name, desired), **ss.call_as_kwargs(self.call_as))
                )
            except AWS_ERRORS as e:
                self.fail_aws(e, "create")
        for targets, regions in ss.delete_requests(extra):
            self.delete_instances(targets, regions)
        if current is not None and changes:
            self.run_operation(
                "update-stack-set",
                self.client.update_stack_set,
                ss.update_stack_set_request(self.name, current, desired, self.params["purge_tags"]),
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
            "instances": ss.instances_by_region(ss.instance_pairs(final_instances)),
            "outdated_instances": ss.instances_by_region(
                (i["Account"], i["Region"]) for i in final_instances if i.get("Status") == "OUTDATED"
            ),
        }
        return True, before, after, stack_set_view(final), [instance_view(i) for i in final_instances]

    def predicted_stack_set(self, current, desired, changes):
        if current is None:
            predicted = ss.create_stack_set_request(self.name, desired)
            predicted.update({"Status": "ACTIVE"})
            return predicted
        if not changes:
            return current
        predicted = dict(current)
        update = ss.update_stack_set_request(self.name, current, desired, self.params["purge_tags"])
        for key in ("TemplateBody", "Capabilities", "Description", "Tags", "AutoDeployment"):
            if key in update:
                predicted[key] = update[key]
        previous = ss.parameters_to_dict(current.get("Parameters"))
        predicted["Parameters"] = [
            {"ParameterKey": p["ParameterKey"],
             "ParameterValue": previous.get(p["ParameterKey"]) if p.get("UsePreviousValue") else p["ParameterValue"]}
            for p in update.get("Parameters", [])
        ]
        return predicted

    def absent(self, current, instances):
        before = {
            "stack_set": stack_set_view(current),
            "instances": ss.instances_by_region(ss.instance_pairs(instances)),
        }
        if current is None:
            return False, before, {}, {}, []
        after = {"stack_set": {}, "instances": {}}
        if self.module.check_mode:
            return True, before, after, {}, []
        request = ss.delete_all_request(instances)
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
            self.client.delete_stack_set(StackSetName=self.name, aws_retry=True, **ss.call_as_kwargs(self.call_as))
        except AWS_ERRORS as e:
            self.fail_aws(e, "delete")
        return True, before, after, {}, []


def main():
    argument_spec = dict(
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
                account_filter_type=dict(type="str", choices=list(ss.ACCOUNT_FILTER_TYPES), default="NONE"),
            ),
            mutually_exclusive=[("organizational_unit_ids", "whole_organization")],
            required_if=[
                ("account_filter_type", "INTERSECTION", ["accounts"]),
                ("account_filter_type", "DIFFERENCE", ["accounts"]),
            ],
        ),
        regions=dict(type="list", elements="str"),
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
        wait_timeout=dict(type="int", default=900),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("template", "template_body")],
        required_together=[("deployment_targets", "regions")],
    )
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
    module.exit_json(**result)


if __name__ == "__main__":
    main()
