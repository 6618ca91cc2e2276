#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_invitation
short_description: Accept, decline or leave a GuardDuty administrator's invitation, in one or many accounts and regions
version_added: 0.1.0
description:
  - Run with the credentials of a member account outside the organization (docs/requirements.md#outside-accounts); each
    region is independent.
  - O(state=accepted) makes sure the account has a GuardDuty detector in the region (GuardDuty must be
    enabled before an invitation can be accepted), then accepts the pending invitation from
    O(administrator_account_id) (AcceptAdministratorInvitation). Invitations from any other account are never
    accepted, whatever their date; they are reported and left pending.
  - O(state=declined) declines the pending invitation from O(administrator_account_id).
  - O(state=absent) leaves O(administrator_account_id) if the account is its member
    (DisassociateFromAdministratorAccount).
  - When the account already has a different administrator, the module fails and says how to leave it.
  - With O(accounts) (accounts outside the organization), the module does this in every listed account and every
    Region of O(regions), in one task, the account-Region pairs concurrently (O(max_workers) at a time); O(accounts)
    needs O(regions).
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
  max_workers:
    description:
      - How many Regions of O(regions) are worked on at once, or with O(accounts) how many account-Region pairs (each
        account has its own API rates).
    default: 16
notes:
  - Check mode makes no write call (no detector is created either; it is reported in RV(detector_created)).
extends_documentation_fragment:
  - radiant.aws_onboarding.accounts
  - radiant.aws_onboarding.guardduty.regions
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Accept the security account's invitation in every region (docs/requirements.md#guardduty-by-invitation)
  radiant.aws_onboarding.guardduty_invitation:
    region: "{{ item }}"
    administrator_account_id: "111122223333"
  loop: [us-east-1, eu-west-1]

- name: Accept it in every account outside the organization and every Region, in one task
  radiant.aws_onboarding.guardduty_invitation:
    administrator_account_id: "111122223333"
    regions: [us-east-1, eu-west-1]
    accounts:
      - account_id: "444455556666"
        role_arn: arn:aws:iam::444455556666:role/OrganizationAccountAccessRole
      - account_id: "777788889999"
        role_arn: arn:aws:iam::777788889999:role/OrganizationAccountAccessRole

- name: Leave the administrator
  radiant.aws_onboarding.guardduty_invitation:
    region: us-east-1
    administrator_account_id: "111122223333"
    state: absent
"""

RETURN = r"""
detector_id:
  description: This account's detector in the region (null when there is none, or in check mode before creation).
  returned: when neither O(accounts) nor O(regions) is given
  type: str
  sample: 4b2fd2ad5a0f4e1c8e1d0d5cfe7b1a11
detector_created:
  description: Whether a detector was (or, in check mode, would be) created to accept the invitation.
  returned: when neither O(accounts) nor O(regions) is given
  type: bool
  sample: true
administrator:
  description: This account's GuardDuty administrator after the run (predicted in check mode), or null.
  returned: when neither O(accounts) nor O(regions) is given
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
  returned: when neither O(accounts) nor O(regions) is given
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
regions:
  description:
    - With O(regions) and without O(accounts), each Region's result keyed by Region, with the keys above,
      C(changed), C(diff) (with C(--diff)) and C(error) (why the Region failed, null when it did not).
  returned: when O(regions) is given without O(accounts)
  type: dict
  sample:
    us-east-1: {"changed": false, "detector_id": "4b2fd2ad5a0f4e1c8e1d0d5cfe7b1a11", "error": null}
memberships:
  description:
    - With O(accounts), one entry per account and region, in the order given (predicted in check mode), with
      C(account_id), C(region), C(changed), C(detector_id), C(detector_created), C(administrator), C(invitations)
      as above, C(diff) (with C(--diff)) and C(error) (why the pair failed, null when it did not).
  returned: when O(accounts) is given
  type: list
  elements: dict
  sample:
    - account_id: "444455556666"
      region: us-east-1
      changed: true
      detector_id: 4b2fd2ad5a0f4e1c8e1d0d5cfe7b1a11
      detector_created: false
      administrator: {"account_id": "111122223333", "relationship_status": "Enabled"}
      invitations: []
      error: null
errors:
  description: With O(accounts) or O(regions), one line per failure, naming the region (and the account).
  returned: when O(accounts) or O(regions) is given
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    DEFAULT_ACCOUNT_WORKERS,
    AccountSessions,
    accounts_argument_spec,
    failure_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import GuardDutyError, fail
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_invitations import (
    converge_invitations,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization import (
    administrator_result,
    ensure_invitation,
    invitations_result,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_regions import (
    region_options,
    run_guardduty_module,
    unique_regions,
)


def run_in_accounts(module):
    """O(accounts) x O(regions): each account's own session, the pairs at once; fail at the end naming each pair."""
    try:
        regions = unique_regions(module.params["regions"])
    except GuardDutyError as e:
        fail(module, e)
    clients = AccountSessions.for_module(module)
    outcome = converge_invitations(
        clients,
        module.params["accounts"],
        regions,
        module.params["administrator_account_id"],
        state=module.params["state"],
        check_mode=module.check_mode,
        max_workers=module.params["max_workers"],
        with_diff=module._diff,
    )
    diff = outcome.pop("diff")
    if module._diff:
        outcome["diff"] = diff
    if outcome["errors"]:
        module.fail_json(msg=failure_message(outcome["errors"], len(outcome["memberships"])), **outcome)
    module.exit_json(**outcome)


def main():
    argument_spec = dict(
        administrator_account_id=dict(type="str", required=True),
        state=dict(type="str", choices=["accepted", "declined", "absent"], default="accepted"),
        **accounts_argument_spec(),
        **region_options(max_workers=DEFAULT_ACCOUNT_WORKERS)
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              required_by={"accounts": ["regions"]})
    if module.params["accounts"] is not None:
        run_in_accounts(module)

    def converge(client, region):
        outcome = ensure_invitation(
            client,
            region,
            module.params["administrator_account_id"],
            state=module.params["state"],
            check_mode=module.check_mode,
        )
        result = dict(
            changed=outcome["changed"],
            detector_id=outcome["detector_id"],
            detector_created=outcome["detector_created"],
            administrator=administrator_result(outcome["administrator"]),
            invitations=invitations_result(outcome["invitations"]),
        )
        if module._diff:
            result["diff"] = diff_of(outcome["before"], outcome["after"])
        return result

    run_guardduty_module(module, converge)


if __name__ == "__main__":
    main()
