#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: organizations_delegated_admin
short_description: Register or deregister a delegated administrator for an AWS service in an AWS Organization
version_added: 0.1.0
description:
  - Registers an account of the organization as delegated administrator for one AWS service
    (C(RegisterDelegatedAdministrator)), or deregisters it.
  - Reads the current administrators with C(ListDelegatedAdministrators) first, so a re-run makes no write.
  - When another account is already the delegated administrator for the service, the module fails and
    names it, unless O(replace_existing=true), which deregisters the other account first.
  - The service needs trusted access first (see M(radiant.aws_onboarding.organizations_trusted_access)).
  - Must run with credentials of the organization's management account; from any other account the module
    fails with a message saying so.
  - Some services have their own call to name their administrator (for example GuardDuty's
    C(EnableOrganizationAdminAccount)), which also registers it here; use that call where the service asks for it.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  account_id:
    description:
      - The 12-digit id of the member account.
    type: str
    required: true
  service_principal:
    description:
      - The service principal, for example V(cloudtrail.amazonaws.com) or
        V(member.org.stacksets.cloudformation.amazonaws.com).
    type: str
    required: true
  state:
    description:
      - V(present) registers the account; V(absent) deregisters it (other administrators are left alone).
    type: str
    choices: ['present', 'absent']
    default: present
  replace_existing:
    description:
      - With O(state=present), deregister any other delegated administrator of the service before registering
        O(account_id). Without it, another administrator is an error.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let the security account administer StackSets for the organization
  radiant.aws_onboarding.organizations_delegated_admin:
    account_id: "210987654321"
    service_principal: member.org.stacksets.cloudformation.amazonaws.com
"""

RETURN = r"""
delegated_administrators:
  description: The account ids registered for the service after the run (what they would be in check mode), sorted.
  returned: always
  type: list
  elements: str
  sample: ["210987654321"]
registered:
  description: Account ids registered by this run.
  returned: always
  type: list
  elements: str
  sample: ["210987654321"]
deregistered:
  description: Account ids deregistered by this run.
  returned: always
  type: list
  elements: str
  sample: []
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.organizations import (
    OrganizationsError,
    apply_delegated_admin,
    delegated_admins,
    plan_delegated_admin,
)


def main():
    argument_spec = dict(
        account_id=dict(type="str", required=True),
        service_principal=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        replace_existing=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    account_id = module.params["account_id"]
    principal = module.params["service_principal"]
    if not re.match(r"^\d{12}$", account_id):
        module.fail_json(msg="account_id must be 12 digits, got {0!r}".format(account_id))
    client = aws_client(module, "organizations")

    def caller():
        return aws_client(module, "sts").get_caller_identity(aws_retry=True)["Account"]

    try:
        before = delegated_admins(client, principal, caller)
        to_register, to_deregister = plan_delegated_admin(
            before, account_id, module.params["state"], module.params["replace_existing"], principal)
        if (to_register or to_deregister) and not module.check_mode:
            apply_delegated_admin(client, principal, to_register, to_deregister, caller)
    except OrganizationsError as error:
        if error.error is not None:
            module.fail_json_aws(error.error, msg=error.message)
        module.fail_json(msg=str(error))

    after = sorted((set(before) - set(to_deregister)) | set(to_register))
    module.exit_json(
        changed=bool(to_register or to_deregister),
        delegated_administrators=after,
        registered=to_register,
        deregistered=to_deregister,
        diff=diff_of({"delegated_administrators": before}, {"delegated_administrators": after},
                     before_header=principal, after_header=principal),
    )


if __name__ == "__main__":
    main()
