#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_info
short_description: Report a region's GuardDuty detector, members, organization configuration and exports
version_added: 0.1.0
description:
  - Read-only. Reports, for the account and region of the credentials, the GuardDuty detector and its
    protection plans, the account's administrator, its members and their relationship status (optionally
    each member's protection plans), the organization configuration, publishing destinations, pending
    invitations and the organization's delegated administrators - for verification and drift reports.
  - Every list is read completely (paginated, ListPublishingDestinations page by page).
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  gather:
    description:
      - What to read. V(member_features) reads each associated member's protection plans (GetMemberDetectors,
        50 members per call). V(organization_admin_accounts) works only from the management account.
      - O(gather=organization_configuration) from an account that is not the delegated administrator returns
        null and a note, not an error.
    type: list
    elements: str
    choices:
      - detector
      - administrator
      - members
      - member_features
      - organization_configuration
      - publishing_destinations
      - invitations
      - organization_admin_accounts
    default: [detector, administrator, members, organization_configuration, publishing_destinations]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the delegated administrator's view of us-east-1, with every member's protection plans
  radiant.aws_onboarding.guardduty_info:
    region: us-east-1
    gather: [detector, members, member_features, organization_configuration, publishing_destinations]
  register: guardduty

- name: Members that are not Enabled
  ansible.builtin.debug:
    msg: "{{ guardduty.members | rejectattr('relationship_status', 'equalto', 'Enabled')
             | map(attribute='account_id') }}"
"""

RETURN = r"""
region:
  description: The region read.
  returned: always
  type: str
  sample: us-east-1
detector_id:
  description: The region's detector id, or null when GuardDuty is not enabled there.
  returned: always
  type: str
  sample: 12abc34d567e8fa901bc2d34e56789f0
detector:
  description: The detector, as M(radiant.aws_onboarding.guardduty_detector) returns it (null without a detector).
  returned: when O(gather) contains V(detector)
  type: dict
  sample: {"detector_id": "12abc34d567e8fa901bc2d34e56789f0", "status": "ENABLED", "features": []}
administrator:
  description:
    - This account's GuardDuty administrator (C(account_id), C(relationship_status), C(invitation_id),
      C(invited_at)), or null.
  returned: when O(gather) contains V(administrator)
  type: dict
  sample: {"account_id": "111122223333", "relationship_status": "Enabled"}
members:
  description:
    - Every member record (associated or not), as M(radiant.aws_onboarding.guardduty_members) returns them.
    - With V(member_features), each has C(features) (null for members that are not associated).
  returned: when O(gather) contains V(members) or V(member_features)
  type: list
  elements: dict
  sample: [{"account_id": "444455556666", "relationship_status": "Enabled", "email": "aws+b@example.test"}]
organization_configuration:
  description: As M(radiant.aws_onboarding.guardduty_organization_configuration) returns it, or null.
  returned: when O(gather) contains V(organization_configuration)
  type: dict
  sample: {"auto_enable_organization_members": "ALL", "features": []}
publishing_destinations:
  description: Every publishing destination, as M(radiant.aws_onboarding.guardduty_publishing_destination) returns it.
  returned: when O(gather) contains V(publishing_destinations)
  type: list
  elements: dict
  sample: [{"destination_id": "0ebaf8e3", "status": "PUBLISHING", "destination_arn": "arn:aws:s3:::acme-guardduty"}]
invitations:
  description:
    - Pending invitations to this account (C(account_id), C(invitation_id), C(relationship_status),
      C(invited_at)).
  returned: when O(gather) contains V(invitations)
  type: list
  elements: dict
  sample: []
organization_admin_accounts:
  description: The organization's GuardDuty delegated administrators (C(admin_account_id), C(admin_status)).
  returned: when O(gather) contains V(organization_admin_accounts)
  type: list
  elements: dict
  sample: [{"admin_account_id": "111122223333", "admin_status": "ENABLED"}]
notes:
  description: Why a gathered item is null (for example, not the delegated administrator).
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    fail,
    guardduty_client,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_info import (
    DEFAULT_GATHER,
    GATHER_CHOICES,
    gather,
)


def main():
    argument_spec = dict(
        gather=dict(type="list", elements="str", choices=list(GATHER_CHOICES), default=list(DEFAULT_GATHER)),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        facts = gather(guardduty_client(module), module.region, module.params["gather"])
    except GuardDutyError as e:
        fail(module, e)
    module.exit_json(changed=False, **facts)


if __name__ == "__main__":
    main()
