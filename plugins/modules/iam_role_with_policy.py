#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_role_with_policy
short_description: An IAM role with its customer-managed policy, in one account or in many accounts at once
version_added: 0.1.0
description:
  - Converges, in the account of the module's credentials or in every account of O(accounts), a customer-managed
    policy (O(policy_name), O(policy_description), O(policy)) and a role (O(role_name), O(role_description),
    O(assume_role_policy_document)) with that policy attached - what M(amazon.aws.iam_managed_policy) with
    O(amazon.aws.iam_managed_policy#module:only_version=true) and M(amazon.aws.iam_role) with
    O(amazon.aws.iam_role#module:purge_policies=false) and
    O(amazon.aws.iam_role#module:create_instance_profile=false) do, as one task for all the accounts.
  - A policy whose document differs gets a new default version, and its other versions are deleted, so it keeps one
    (IAM keeps at most five). IAM cannot change a policy's description; an existing policy keeps its own.
  - An existing role is adopted - its trust policy (compared with compare_policies) and description are updated, the
    policy attached; policies the account attached to it stay; no instance profile is made. New roles and policies
    get the path C(/); the role's maximum session duration is left as IAM sets it.
  - With O(state=absent), the role named O(role_name) is deleted (its managed policies detached first, its inline
    policies deleted and it taken out of instance profiles, as IAM requires), then the policy (detached from every
    user, group and role, its other versions deleted). Other roles are never deleted.
  - Each account's result names what differed (RV(roles[].differences)), so a check-mode run is a drift report.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  role_name:
    description: The role's name.
    type: str
    required: true
  role_description:
    description: The role's description; left as it is when omitted.
    type: str
  assume_role_policy_document:
    description:
      - The role's trust policy, JSON text or a dictionary.
      - Required with O(state=present).
    type: json
  policy_name:
    description: The customer-managed policy's name (path C(/)).
    type: str
    required: true
  policy_description:
    description: The policy's description, set when the policy is created.
    type: str
  policy:
    description:
      - The policy document, JSON text or a dictionary.
      - Required with O(state=present).
    type: json
  keep_resources_of:
    description:
      - Statements of O(policy), by C(Sid), where the resources the current policy grants are kept beside the ones
        O(policy) names; a statement of these that O(policy) lacks is kept whole. For resources the caller does not
        know in this run, so that the run does not take away what the policy grants.
      - Other statements are exactly as O(policy) gives them.
    type: list
    elements: str
    default: []
  state:
    description: V(present) creates or updates the policy and the role; V(absent) deletes them.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Without O(accounts), the module works in the account of its credentials. An entry of O(accounts) without
    O(accounts[].role_arn) must be that same account; the module refuses to act in one account with another's
    credentials.
  - Check mode makes no write call (it assumes the roles and reads).
  - "Reads per account and run: GetPolicy, ListPolicyVersions, GetPolicyVersion, GetRole, ListAttachedRolePolicies."
extends_documentation_fragment:
  - radiant.aws_onboarding.accounts
  - radiant.aws_onboarding.accounts.max_workers
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A read-only role and its policy in the management account and two others
  radiant.aws_onboarding.iam_role_with_policy:
    role_name: radiant-aws-api-access-role
    role_description: Read-only API access
    assume_role_policy_document: "{{ lookup('file', 'trust.json') }}"
    policy_name: radiant-aws-api-access-policy
    policy_description: Read-only API access
    policy: "{{ lookup('file', 'read-only.json') }}"
    accounts:
      - account_id: "123456789012"
      - account_id: "111122223333"
        role_arn: arn:aws:iam::111122223333:role/OrganizationAccountAccessRole
      - account_id: "444455556666"
        role_arn: arn:aws:iam::444455556666:role/OrganizationAccountAccessRole

- name: Report, per account, what differs (no write)
  radiant.aws_onboarding.iam_role_with_policy:
    role_name: radiant-aws-api-access-role
    assume_role_policy_document: "{{ lookup('file', 'trust.json') }}"
    policy_name: radiant-aws-api-access-policy
    policy: "{{ lookup('file', 'read-only.json') }}"
  check_mode: true
  register: api_role_check

- name: Remove the role and its policy
  radiant.aws_onboarding.iam_role_with_policy:
    role_name: radiant-aws-api-access-role
    policy_name: radiant-aws-api-access-policy
    state: absent
    accounts:
      - account_id: "111122223333"
        role_arn: arn:aws:iam::111122223333:role/OrganizationAccountAccessRole
"""

RETURN = r"""
roles:
  description: One entry per account, in the order given (predicted in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: The account.
      type: str
      sample: "111122223333"
    changed:
      description: Whether this account changed (would change in check mode).
      type: bool
      sample: true
    role_arn:
      description: The role's ARN (null when the account failed).
      type: str
      sample: arn:aws:iam::111122223333:role/radiant-aws-api-access-role
    policy_arn:
      description: The policy's ARN (null when the account failed).
      type: str
      sample: arn:aws:iam::111122223333:policy/radiant-aws-api-access-policy
    differences:
      description:
        - What differed from the options, one item per field - C(resource) (C(role NAME) or C(policy NAME)),
          C(field) (C((resource)), C(document), C(versions), C(assume_role_policy_document), C(description),
          C(attached_policies)), C(expected) and C(actual) (the live value before the change).
      type: list
      elements: dict
      sample: [{"resource": "role radiant-aws-api-access-role", "field": "(resource)", "expected": "present",
                "actual": "missing"}]
    error:
      description: Why this account failed, null when it did not.
      type: str
      sample: null
errors:
  description: One message per failed account (account, step, AWS's error); empty on success.
  returned: always
  type: list
  elements: str
  sample: []
diff:
  description: With C(--diff), the policy and role of each account that changes, before and after, keyed by account.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    AccountSessions,
    accounts_argument_spec,
    failure_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_ERRORS, aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.iam_role_with_policy import (
    WantedRole,
    caller_identity,
    converge_accounts,
)


def main():
    argument_spec = dict(
        role_name=dict(type="str", required=True),
        role_description=dict(type="str"),
        assume_role_policy_document=dict(type="json"),
        policy_name=dict(type="str", required=True),
        policy_description=dict(type="str"),
        policy=dict(type="json"),
        keep_resources_of=dict(type="list", elements="str", default=[]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        **accounts_argument_spec(workers=True)
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["assume_role_policy_document", "policy"])],
    )
    params = module.params

    def caller():
        try:
            return caller_identity(aws_client(module, "sts"))
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg="Could not learn the account of the module's credentials "
                                        "(sts:GetCallerIdentity)")

    wanted = WantedRole(params["role_name"], params["policy_name"],
                        assume_role_policy_document=params["assume_role_policy_document"], policy=params["policy"],
                        role_description=params["role_description"], policy_description=params["policy_description"],
                        keep_resources_of=params["keep_resources_of"])
    outcome = converge_accounts(
        AccountSessions.for_module(module),
        params["accounts"],
        wanted,
        region=module.region,
        caller=caller,
        state=params["state"],
        check_mode=module.check_mode,
        max_workers=params["max_workers"],
    )
    diff = outcome.pop("diff")
    if module._diff:
        outcome["diff"] = diff_of(diff["before"], diff["after"])
    if outcome["errors"]:
        module.fail_json(msg=failure_message(outcome["errors"], len(outcome["roles"]), what="accounts"), **outcome)
    module.exit_json(**outcome)


if __name__ == "__main__":
    main()
