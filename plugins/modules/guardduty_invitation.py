#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: guardduty_invitation
short_description: Accept, decline or leave a GuardDuty administrator's membership invitation in one region
version_added: 0.1.0
description:
  - Run with the credentials of a member account outside the organization (seed 004); each region is independent.
  - O(state=accepted) makes sure the account has a GuardDuty detector in the region (GuardDuty must be
    enabled before an invitation can be accepted), then accepts the pending invitation from
    O(administrator_account_id) (AcceptAdministratorInvitation). Invitations from any other account are never
    accepted, whatever their date; they are reported and left pending.
  - O(state=declined) declines the pending invitation from O(administrator_account_id).
  - O(state=absent) leaves O(administrator_account_id) if the account is its member
    (DisassociateFromAdministratorAccount).
  - When the account already has a different administrator, the module fails and says how to leave it.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  administrator_account_id:
    description: The 12-digit id of the GuardDuty administrator whose invitation is expected.
    type: str
    required: true
  state:
    description: V(accepted), V(declined) or V(absent) (not a member of that administrator).
    type: str
    choices: [accepted, declined, absent]
    default: accepted
notes:
  - Check mode makes no write call (no detector is created either; it is reported in RV(detector_created)).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Accept the security account's invitation in every region (seed 004)
  radiant.aws_onboarding.guardduty_invitation:
    region: "{{ item }}"
    administrator_account_id: "111122223333"
  loop: [us-east-1, eu-west-1]

- name: Leave the administrator
  radiant.aws_onboarding.guardduty_invitation:
    region: us-east-1
    administrator_account_id: "111122223333"
    state: absent
"""

RETURN = r"""
detector_id:
  description: This account's detector in the region (null when there is none, or in check mode before creation).
  returned: always
  type: str
  sample: 4b2fd2ad5a0f4e1c8e1d0d5cfe7b1a11
detector_created:
  description: Whether a detector was (or, in check mode, would be) created to accept the invitation.
  returned: always
  type: bool
  sample: true
administrator:
  description: This account's GuardDuty administrator after the run (predicted in check mode), or null.
  returned: always
  type: dict
  contains:
    account_id:
      description: Administrator account id.
      type: str
      sample: "111122223333"
    relationship_status:
      description: Relationship status, C(Enabled) once accepted.
      type: str
      sample: Enabled
    invitation_id:
      description: The accepted invitation.
      type: str
      sample: 84b097800250d17d1872b34c4daadcf5
    invited_at:
      description: When the invitation was sent.
      type: str
      sample: "2026-11-21T10:00:00.000Z"
invitations:
  description: Invitations still pending after the run (only read when the module needed to look at them).
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: The inviting administrator.
      type: str
      sample: "444455556666"
    invitation_id:
      description: Invitation id.
      type: str
      sample: 84b097800250d17d1872b34c4daadcf5
    relationship_status:
      description: C(Invited).
      type: str
      sample: Invited
    invited_at:
      description: When it was sent.
      type: str
      sample: "2026-11-21T10:00:00.000Z"
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    fail,
    guardduty_client,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization import (
    administrator_result,
    ensure_invitation,
    invitations_result,
)


def main():
    argument_spec = dict(
        administrator_account_id=dict(type="str", required=True),
        state=dict(type="str", choices=["accepted", "declined", "absent"], default="accepted"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        outcome = ensure_invitation(
            guardduty_client(module),
            module.region,
            module.params["administrator_account_id"],
            state=module.params["state"],
            check_mode=module.check_mode,
        )
    except GuardDutyError as e:
        fail(module, e)
    result = dict(
        changed=outcome["changed"],
        detector_id=outcome["detector_id"],
        detector_created=outcome["detector_created"],
        administrator=administrator_result(outcome["administrator"]),
        invitations=invitations_result(outcome["invitations"]),
    )
    if module._diff:
        result["diff"] = diff_of(outcome["before"], outcome["after"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
