#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: organizations_trusted_access
short_description: Enable or disable trusted access of AWS services in an AWS Organization
version_added: 0.1.0
description:
  - Enables (or disables) trusted access for AWS services with AWS Organizations, as
    C(EnableAWSServiceAccess) / C(DisableAWSServiceAccess) do, for a list of service principals.
  - Only the principals not already in the wanted state are changed (read with
    C(ListAWSServiceAccessForOrganization)); principals not listed are left alone.
  - Must run with credentials of the organization's management account; from any other account
    the module fails with a message saying so.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  service_principals:
    description:
      - The service principals, for example V(cloudtrail.amazonaws.com), V(guardduty.amazonaws.com),
        V(malware-protection.guardduty.amazonaws.com) or V(member.org.stacksets.cloudformation.amazonaws.com).
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) enables trusted access for each principal; V(absent) disables it.
    type: str
    choices: ['present', 'absent']
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Trust the services the onboarding configures
  radiant.aws_onboarding.organizations_trusted_access:
    service_principals:
      - cloudtrail.amazonaws.com
      - guardduty.amazonaws.com
      - malware-protection.guardduty.amazonaws.com
      - member.org.stacksets.cloudformation.amazonaws.com
"""

RETURN = r"""
enabled_service_principals:
  description: Every service principal with trusted access after the run (what it would be in check mode), sorted.
  returned: always
  type: list
  elements: str
  sample: ["cloudtrail.amazonaws.com", "guardduty.amazonaws.com"]
changed_service_principals:
  description: The principals enabled (or disabled with O(state=absent)) by this run, in request order.
  returned: always
  type: list
  elements: str
  sample: ["guardduty.amazonaws.com"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.organizations import (
    OrganizationsError,
    enabled_service_principals,
    plan_trusted_access,
    set_trusted_access,
)


def main():
    argument_spec = dict(
        service_principals=dict(type="list", elements="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    state = module.params["state"]
    client = aws_client(module, "organizations")

    def caller():
        return aws_client(module, "sts").get_caller_identity(aws_retry=True)["Account"]

    try:
        before = enabled_service_principals(client, caller)
        plan = plan_trusted_access(before, module.params["service_principals"], state)
        if plan and not module.check_mode:
            set_trusted_access(client, plan, state, caller)
    except OrganizationsError as error:
        if error.error is not None:
            module.fail_json_aws(error.error, msg=error.message)
        module.fail_json(msg=str(error))

    after = sorted(set(before) | set(plan)) if state == "present" else sorted(set(before) - set(plan))
    module.exit_json(
        changed=bool(plan),
        enabled_service_principals=after,
        changed_service_principals=plan,
        diff=diff_of({"enabled_service_principals": before}, {"enabled_service_principals": after}),
    )


if __name__ == "__main__":
    main()
