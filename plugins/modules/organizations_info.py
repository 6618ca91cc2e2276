#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: organizations_info
short_description: Read an AWS Organization - ids, root, OUs as paths, accounts with status and email
version_added: 0.1.0
description:
  - Returns the organization's id, management account, root id, every organizational unit with its path
    (for example V(Workloads/Prod/Web)) and every account with its id, name, email, status and OU path.
  - Walks the OU tree once with C(ListOrganizationalUnitsForParent) and C(ListAccountsForParent), so each
    account is read once; about 2,000 accounts in 50 OUs take some 150 calls.
  - Must run with credentials of the organization's management account (or an Organizations delegated
    administrator); from any other account the module fails with a message saying so.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  service_access:
    description:
      - Also list the service principals with trusted access in the organization
        (C(ListAWSServiceAccessForOrganization)), as RV(enabled_service_principals), so that a run that reads the
        organization once knows which trusted access it need not ask for again.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the organization
  radiant.aws_onboarding.organizations_info:
  register: org

- name: Read the organization and the services it trusts
  radiant.aws_onboarding.organizations_info:
    service_access: true
  register: org_and_services

- name: Ids of the active accounts under Workloads
  ansible.builtin.debug:
    msg: "{{ org.accounts | selectattr('status', 'eq', 'ACTIVE') | selectattr('ou_path', 'match', '^Workloads(/|$)')
             | map(attribute='id') | list }}"
"""

RETURN = r"""
organization:
  description: The organization.
  returned: always
  type: dict
  contains:
    id:
      description: The organization id.
      type: str
      sample: o-exampleorgid
    arn:
      description: The organization ARN.
      type: str
      sample: arn:aws:organizations::123456789012:organization/o-exampleorgid
    feature_set:
      description: V(ALL) or V(CONSOLIDATED_BILLING).
      type: str
      sample: ALL
    management_account_id:
      description: The management account's id.
      type: str
      sample: "123456789012"
    management_account_arn:
      description: The management account's ARN.
      type: str
      sample: arn:aws:organizations::123456789012:account/o-exampleorgid/123456789012
    management_account_email:
      description: The management account's email.
      type: str
      sample: aws-management@example.com
root_id:
  description: The id of the organization's root.
  returned: always
  type: str
  sample: r-abcd
organizational_units:
  description: Every OU, sorted by path.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The OU id.
      type: str
      sample: ou-abcd-12345678
    arn:
      description: The OU ARN.
      type: str
      sample: arn:aws:organizations::123456789012:ou/o-exampleorgid/ou-abcd-12345678
    name:
      description: The OU name.
      type: str
      sample: Web
    path:
      description: The OU names from the root down, joined with V(/).
      type: str
      sample: Workloads/Prod/Web
    parent_id:
      description: The id of the parent OU or of the root.
      type: str
      sample: ou-abcd-87654321
accounts:
  description: Every account of the organization (all statuses), sorted by id.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The account id.
      type: str
      sample: "210987654321"
    arn:
      description: The account ARN.
      type: str
      sample: arn:aws:organizations::123456789012:account/o-exampleorgid/210987654321
    name:
      description: The account name.
      type: str
      sample: log-archive
    email:
      description: The account's email.
      type: str
      sample: aws+log-archive@example.com
    status:
      description: V(ACTIVE), V(SUSPENDED) or V(PENDING_CLOSURE).
      type: str
      sample: ACTIVE
    state:
      description:
        - The account's C(State) as Organizations reports it (V(ACTIVE), V(SUSPENDED), V(PENDING_ACTIVATION),
          V(PENDING_CLOSURE), V(CLOSED)), which AWS introduced to replace C(Status); null where it does not.
      type: str
      sample: ACTIVE
    joined_method:
      description: V(INVITED) or V(CREATED).
      type: str
      sample: CREATED
    joined_timestamp:
      description: When the account joined.
      type: str
      sample: "2025-01-01 12:00:00+00:00"
    ou_id:
      description: The id of the OU holding the account; null for an account directly under the root.
      type: str
      sample: ou-abcd-12345678
    ou_path:
      description: The path of the OU holding the account; empty for an account directly under the root.
      type: str
      sample: Security
    ou_ids:
      description: The ids of the OUs from the root down to the account's OU.
      type: list
      elements: str
      sample: ["ou-abcd-12345678"]
enabled_service_principals:
  description: The service principals with trusted access in the organization, sorted.
  returned: when O(service_access=true)
  type: list
  elements: str
  sample: ["cloudtrail.amazonaws.com", "guardduty.amazonaws.com"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.organizations import (
    OrganizationsError,
    organization_info,
)


def main():
    module = AnsibleAWSModule(argument_spec=dict(service_access=dict(type="bool", default=False)),
                              supports_check_mode=True)
    client = aws_client(module, "organizations")

    def caller():
        return aws_client(module, "sts").get_caller_identity(aws_retry=True)["Account"]

    try:
        result = organization_info(client, caller, module.params["service_access"])
    except OrganizationsError as error:
        if error.error is not None:
            module.fail_json_aws(error.error, msg=error.message)
        module.fail_json(msg=str(error))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
