#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_organization_admin
short_description: Manage the GuardDuty delegated administrator of an organization in a region, or many at once
version_added: 0.1.0
description:
  - Run with the credentials of the organization's management account.
  - Makes an account of the organization the GuardDuty delegated administrator in the region
    (EnableOrganizationAdminAccount), or removes it (DisableOrganizationAdminAccount), and waits, with a bound,
    until AWS reports the change.
  - When a different account is already the delegated administrator, the module fails and says how to remove
    it; it never switches administrators silently.
  - Designating an administrator also allows GuardDuty trusted access in AWS Organizations and enables GuardDuty
    (a detector) in the administrator account in that region, as AWS does; adopt that detector with
    M(radiant.aws_onboarding.guardduty_detector).
  - Removing the administrator does not deregister it in AWS Organizations (a separate call, made by
    M(radiant.aws_onboarding.organizations_delegated_admin) with O(state=absent)); until then no other account
    can be designated.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  account_id:
    description: The 12-digit id of the account to make (or stop being) the delegated administrator.
    type: str
    required: true
  state:
    description: V(present) makes the account the administrator; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode makes no write call.
  - O(wait) waits until ListOrganizationAdminAccounts reports the account C(ENABLED) (or gone, for V(absent)).
extends_documentation_fragment:
  - radiant.aws_onboarding.wait
  - radiant.aws_onboarding.guardduty.regions
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Delegate GuardDuty administration to the security account (docs/requirements.md#guardduty)
  radiant.aws_onboarding.guardduty_organization_admin:
    region: us-east-1
    account_id: "111122223333"

- name: Delegate it in every Region at once
  radiant.aws_onboarding.guardduty_organization_admin:
    regions: [us-east-1, us-west-2, eu-west-1]
    account_id: "111122223333"

- name: Remove the delegated administrator
  radiant.aws_onboarding.guardduty_organization_admin:
    region: us-east-1
    account_id: "111122223333"
    state: absent
"""

RETURN = r"""
admin_account_id:
  description: O(account_id) when it is the administrator after the run (predicted in check mode), else null.
  returned: when O(regions) is not given
  type: str
  sample: "111122223333"
admin_status:
  description: C(ENABLED), C(DISABLE_IN_PROGRESS) or null.
  returned: when O(regions) is not given
  type: str
  sample: ENABLED
admin_accounts:
  description: Every delegated administrator AWS lists in the region (before the change in check mode).
  returned: when O(regions) is not given
  type: list
  elements: dict
  contains:
    admin_account_id:
      description: Administrator account id.
      type: str
      sample: "111122223333"
    admin_status:
      description: C(ENABLED) or C(DISABLE_IN_PROGRESS).
      type: str
      sample: ENABLED
regions:
  description:
    - With O(regions), each Region's result keyed by Region, with the keys above, C(changed), C(diff) (with
      C(--diff)) and C(error) (why the Region failed, null when it did not).
  returned: when O(regions) is given
  type: dict
  sample:
    us-east-1: {"changed": false, "admin_account_id": "111122223333", "admin_status": "ENABLED", "error": null}
errors:
  description: With O(regions), one line per Region that failed, starting with the Region.
  returned: when O(regions) is given
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import wait_argument_spec
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization import (
    ensure_organization_admin,
    organization_admin_step_result,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_regions import (
    region_options,
    run_guardduty_module,
)


def main():
    argument_spec = dict(
        account_id=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        **wait_argument_spec(),
        **region_options()
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    def converge(client, region):
        outcome = ensure_organization_admin(
            client,
            region,
            module.params["account_id"],
            state=module.params["state"],
            wait=module.params["wait"],
            wait_timeout=module.params["wait_timeout"],
            check_mode=module.check_mode,
        )
        return organization_admin_step_result(outcome, module._diff)

    run_guardduty_module(module, converge)


if __name__ == "__main__":
    main()
