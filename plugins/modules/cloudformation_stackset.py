#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

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
  - The accounts a target reaches are read from Organizations, or taken from O(organization) (every account beneath
    an OU, nested OUs included), as StackSets expands them. StackSets never deploys to the management account, and
    suspended accounts are neither deployed to nor purged.
  - The stack set is updated (one operation updating every instance) only when a managed property differs.
    Exactly the missing accounts and regions get instances; instances outside the targets are deleted when
    O(purge_instances=true); wanted instances left C(OUTDATED) by a failed operation are deployed again.
  - Each operation gets a client-supplied C(OperationId) (CloudFormation's idempotency token) and is waited
    for at most O(wait_timeout) seconds; a failed one fails the module, listing each failed account and region.
  - O(state=absent) deletes every stack instance (by the organizational units they were deployed through),
    then the stack set.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  name: {description: The stack set's name., type: str, required: true}
  state:
    description: V(present) makes the stack set and its instances exist; V(absent) deletes them.
    type: str
    choices: [present, absent]
    default: present
  description: {description: "The stack set's description. When omitted, the current one is kept.", type: str}
  template:
    description:
      - Path of a file with the template (JSON or YAML). Mutually exclusive with O(template_body).
      - One of them is required to create the stack set; without either the current template is kept.
    type: path
  template_body: {description: The template itself. Mutually exclusive with O(template)., type: str}
  parameters:
    description:
      - Template parameters, name to value. Booleans, numbers and lists are turned into CloudFormation's
        strings (lists comma-separated).
      - Parameters not listed keep their current values. Parameters declared C(NoEcho) cannot be read back,
        so a change of their value alone is not detected.
    type: dict
  capabilities:
    description: Capabilities the template needs (C(CAPABILITY_NAMED_IAM) for named roles); omitted, they are kept.
    type: list
    elements: str
    choices: [CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND]
  auto_deployment:
    description: Whether StackSets deploys to accounts that later join a targeted OU (and removes the instances of
      accounts that leave). When omitted on creation, auto-deployment is off; on update, it is kept.
    type: dict
    suboptions:
      enabled: {description: Turn auto-deployment on or off., type: bool, required: true}
      retain_stacks_on_account_removal:
        {description: Keep the stacks (and resources) of accounts that leave a targeted OU., type: bool, default: false}
  deployment_targets:
    description: Where the stack instances go. Required with O(regions) to manage instances; without both, only
      the stack set itself is managed.
    type: dict
    suboptions:
      organizational_unit_ids:
        description: Organizational unit ids (C(ou-...)) or the organization's root id (C(r-...)).
        type: list
        elements: str
      whole_organization:
        description: Target the organization's root (Organizations C(ListRoots)). Mutually exclusive with
          O(deployment_targets.organizational_unit_ids).
        type: bool
        default: false
      accounts: {description: Accounts for O(deployment_targets.account_filter_type)., type: list, elements: str}
      account_filter_type:
        description:
          - V(NONE) deploys to every account beneath the OUs; V(INTERSECTION) only to the listed accounts
            beneath them; V(DIFFERENCE) to every account beneath them except the listed ones.
          - C(UNION) is not offered because C(CreateStackInstances) does not support it.
        type: str
        choices: [NONE, INTERSECTION, DIFFERENCE]
        default: NONE
  regions: {description: Regions of the stack instances., type: list, elements: str}
  organization:
    description:
      - The organization as M(radiant.aws_onboarding.organizations_info) returns it, read earlier in the same run
        (its C(root_id), C(organization.management_account_id) and C(accounts), each with C(ou_ids)).
      - With it, the accounts O(deployment_targets) reach are taken from it and the module makes no Organizations
        call; without it, the module walks the organization's tree itself.
    type: dict
  purge_instances:
    description: Delete stack instances outside O(deployment_targets) times O(regions).
    type: bool
    default: true
  retain_stacks:
    description: When stack instances are deleted (purged, or O(state=absent)), keep their stacks and resources.
    type: bool
    default: false
  operation_preferences:
    description: How CloudFormation runs each operation across accounts and regions.
    type: dict
    suboptions:
      max_concurrent_count: {description: Accounts per region deployed at once (or the percentage below)., type: int}
      max_concurrent_percentage: {description: Percentage of accounts per region deployed at once., type: int}
      failure_tolerance_count: {description: Failed accounts per region tolerated before it stops., type: int}
      failure_tolerance_percentage: {description: Percentage of failed accounts per region tolerated., type: int}
      region_order: {description: The order in which regions are deployed., type: list, elements: str}
      region_concurrency_type:
        {description: Deploy regions one after the other or in parallel., type: str, choices: [SEQUENTIAL, PARALLEL]}
      concurrency_mode:
        description: How failure tolerance bounds concurrency.
        type: str
        choices: [STRICT_FAILURE_TOLERANCE, SOFT_FAILURE_TOLERANCE]
  call_as:
    description: V(SELF) from the management account; V(DELEGATED_ADMIN) from StackSets' delegated administrator.
    type: str
    choices: [SELF, DELEGATED_ADMIN]
    default: SELF
  wait_timeout:
    default: 900
notes:
  - Check mode makes no write call; it reads the stack set, its instances and the organization's structure.
  - Trusted access between CloudFormation StackSets and Organizations must be on.
extends_documentation_fragment:
  - radiant.aws_onboarding.wait.timeout
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Role radiant-aws-api-access-role in every account of the organization (docs/requirements.md#api-access-role)
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
    name: {description: The stack set's name., type: str, sample: radiant-aws-api-access-role}
    id: {description: The stack set's id., type: str}
    arn: {description: The stack set's ARN., type: str}
    status: {description: C(ACTIVE) or C(DELETED)., type: str}
    permission_model: {description: Always C(SERVICE_MANAGED) for stack sets this module creates., type: str}
    description: {description: The description., type: str}
    template_body: {description: The template., type: str}
    parameters:
      description: Template parameters, name to value (C(****) for NoEcho ones).
      type: dict
      sample: {ExternalId: "1234"}
    capabilities: {description: The acknowledged capabilities., type: list, elements: str}
    tags: {description: The stack set's tags., type: dict}
    auto_deployment:
      description: Auto-deployment, with C(enabled) and C(retain_stacks_on_account_removal).
      type: dict
      sample: {enabled: true, retain_stacks_on_account_removal: false}
    organizational_unit_ids: {description: The OUs the stack set has been deployed to., type: list, elements: str}
instances:
  description: The stack instances after the run (in check mode, the ones wanted).
  returned: always
  type: list
  elements: dict
  contains:
    account: {description: The account., type: str}
    region: {description: The region., type: str}
    organizational_unit_id: {description: The OU the instance was deployed through., type: str}
    status:
      description: C(CURRENT), C(OUTDATED) or C(INOPERABLE); C(PENDING) in check mode for instances to create.
      type: str
    status_reason: {description: "Why the instance is not current, if it is not.", type: str}
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
    action: {description: "C(CREATE), C(UPDATE) or C(DELETE).", type: str}
    status: {description: The operation's final status., type: str}
    status_reason: {description: "AWS's reason, when it gives one.", type: str}
    deployment_targets: {description: The deployment targets the operation was given (instance operations)., type: dict}
    regions: {description: The regions the operation was given (instance operations)., type: list, elements: str}
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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import stackset as ss


def main():
    module = AnsibleAWSModule(argument_spec=ss.stackset_argument_spec(), supports_check_mode=True,
                              **ss.STACKSET_OPTION_RULES)
    module.exit_json(**ss.run_stackset_module(module))


if __name__ == "__main__":
    main()
