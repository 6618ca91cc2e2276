#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_members
short_description: Manage the member accounts of a GuardDuty administrator in a region, or many at once
version_added: 0.1.0
description:
  - Run with the credentials of the GuardDuty delegated administrator (or of an invitation administrator).
  - Makes the given accounts members of the administrator's detector, in batches of at most 50 accounts per
    API call. Organization accounts are associated directly (CreateMembers). Accounts outside the
    organization (O(accounts[].invite=true)) are created and invited (InviteMembers); they become C(Enabled)
    when they accept (radiant.aws_onboarding.guardduty_invitation).
  - Reports each account's relationship status.
  - Optionally manages the protection plans of the members (UpdateMemberDetectors, batched), as the selective member
    toggles of docs/requirements.md#protection-plans, and removes members that are not listed.
  - O(state=absent) disassociates and deletes the listed accounts.
  - Accounts AWS does not process (UnprocessedAccounts) are never ignored. The module applies everything it
    can, then fails listing each account with AWS's reason and what to fix.
  - O(wait) waits until the organization accounts just added report C(Enabled), and for the accounts organization
    auto-enable is associating meanwhile (see RV(associating)).
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  accounts:
    description: The accounts to manage.
    type: list
    elements: dict
    required: true
    suboptions:
      account_id: {description: 12-digit AWS account id., type: str, required: true}
      email:
        description:
          - The account's root user email address. GuardDuty requires it to create a member and checks it
            for invitations. Not needed with O(state=absent).
        type: str
      invite:
        description:
          - V(true) for an account outside the organization, which must be invited and accept.
          - V(false) for an organization account, which the delegated administrator associates directly.
        type: bool
        default: false
  state:
    {description: "V(present) makes the accounts members; V(absent) disassociates and deletes them.", type: str,
     choices: [present, absent], default: present}
  purge_members:
    {description: "With O(state=present), also disassociate and delete every member that is not in O(accounts).",
     type: bool, default: false}
  invitation_message: {description: Message sent with invitations., type: str}
  disable_email_notification:
    description:
      - Do not email the invited account's root user (the invitation still appears in GuardDuty and in the
        account's Personal Health Dashboard).
    type: bool
    default: false
  features:
    description:
      - Protection plans of the members (organization accounts and accepted invitations, i.e. members whose
        relationship status is C(Enabled)), compared with each member's current plans as sets.
      - Members that are not C(Enabled) yet are skipped and listed in RV(features_pending).
      - Features that are not listed are left as they are unless O(purge_features=true).
  purge_features:
    {description: "Switch off, on the members, every feature O(features) does not list.", type: bool, default: false}
notes:
  - Check mode makes no write call. Protection plans of accounts that are not members yet cannot be
    compared in check mode; they are compared on the real run.
  - Removing organization members fails while organization auto-enable is C(ALL); the error says so.
extends_documentation_fragment:
  - radiant.aws_onboarding.wait
  - radiant.aws_onboarding.guardduty.features
  - radiant.aws_onboarding.guardduty.regions
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Make organization accounts members in every Region, in one task
  radiant.aws_onboarding.guardduty_members:
    regions: [us-east-1, us-west-2, eu-west-1]
    accounts: "{{ org_accounts | map('combine', {'invite': false}) }}"
  register: membership  # membership.regions['us-west-2'].pending

- name: Make organization accounts members, with every protection plan (docs/requirements.md#guardduty)
  radiant.aws_onboarding.guardduty_members:
    region: us-east-1
    accounts: "{{ org_accounts | map('combine', {'invite': false}) }}"
    features:
      - name: S3_DATA_EVENTS
      - name: EKS_AUDIT_LOGS
      - name: EBS_MALWARE_PROTECTION
      - name: RDS_LOGIN_EVENTS
      - name: LAMBDA_NETWORK_LOGS
      - name: RUNTIME_MONITORING

- name: Invite accounts outside the organization (docs/requirements.md#outside-accounts)
  radiant.aws_onboarding.guardduty_members:
    region: us-east-1
    accounts:
      - account_id: "990000000001"
        email: root+outside-01@partner1.test
        invite: true
    invitation_message: Radiant Security onboarding

- name: Disable S3 Protection for two members only (docs/requirements.md#protection-plans)
  radiant.aws_onboarding.guardduty_members:
    region: us-east-1
    accounts:
      - account_id: "111122223333"
        email: aws+a@example.test
      - account_id: "444455556666"
        email: aws+b@example.test
    features:
      - name: S3_DATA_EVENTS
        status: DISABLED

- name: Remove members
  radiant.aws_onboarding.guardduty_members:
    region: us-east-1
    state: absent
    accounts: [{account_id: "111122223333"}]
"""

RETURN = r"""
detector_id:
  {description: "The administrator's detector in the region.", returned: when O(regions) is not given, type: str,
   sample: 12abc34d567e8fa901bc2d34e56789f0}
members:
  description:
    - The listed accounts' member records after the run (predicted in check mode), sorted by account id.
    - Accounts that are not members (after O(state=absent)) are not listed.
  returned: when O(regions) is not given
  type: list
  elements: dict
  contains:
    account_id: {description: Member account id., type: str, sample: "111122223333"}
    email: {description: Email the member was created with., type: str, sample: aws+a@example.test}
    relationship_status:
      description:
        - C(Created), C(Invited), C(Enabled), C(Disabled), C(Removed), C(Resigned),
          C(EmailVerificationInProgress) or C(EmailVerificationFailed).
      type: str
      sample: Enabled
    administrator_id: {description: The administrator account., type: str, sample: "123456789012"}
    detector_id: {description: "The member's detector id, when it has one.", type: str, sample: 4b2fd2ad5a0f4e1c8e1d}
    invited_at: {description: When the invitation was sent (to invited accounts)., type: str, sample: "2026-11-21"}
    updated_at: {description: Last change of the record., type: str, sample: "2026-11-21T10:00:00.000Z"}
created:
  {description: "Accounts created as members by this run.",
   returned: when O(regions) is not given, type: list, elements: str, sample: ["111122223333"]}
invited:
  {description: "Accounts invited by this run.",
   returned: when O(regions) is not given, type: list, elements: str, sample: ["990000000001"]}
pending:
  {description: "Invited accounts that have not accepted yet (nothing to do until they do).",
   returned: when O(regions) is not given, type: list, elements: str, sample: []}
removed:
  {description: "Accounts disassociated and deleted by this run.",
   returned: when O(regions) is not given, type: list, elements: str, sample: []}
features_updated:
  {description: "Members whose protection plans this run changed.",
   returned: when O(regions) is not given, type: list, elements: str, sample: []}
features_pending:
  {description: "Listed accounts whose protection plans could not be managed because they are not Enabled members.",
   returned: when O(regions) is not given, type: list, elements: str, sample: []}
not_enabled:
  description:
    - Listed accounts that are not C(Enabled) members after this run (not yet accepted, still associating, or
      missing), whether or not protection plans are managed.
    - Short where every member has joined, so a playbook can act on it without reading RV(members).
  returned: when O(regions) is not given
  type: list
  elements: str
  sample: ["999988887777"]
associating:
  description:
    - Organization accounts that organization auto-enable was still associating when the wait ended (GuardDuty
      answered CreateMembers that they are already members or associated members, before listing them).
    - Not a failure; a warning names them. GuardDuty finishes on its own; a later run gives them their plans.
  returned: when O(regions) is not given
  type: list
  elements: str
  sample: []
unprocessed_accounts:
  description: Accounts AWS did not process, with the operation and AWS's reason (the module fails when there are any).
  returned: when O(regions) is not given
  type: list
  elements: dict
  sample:
    - account_id: "990000000009"
      operation: CreateMembers
      result: The request is rejected because the email address does not match the email address of the account.
regions:
  description:
    - With O(regions), each Region's result keyed by Region, with the keys above, C(changed), C(diff) (with
      C(--diff)) and C(error) (why the Region failed, null when it did not).
  returned: when O(regions) is given
  type: dict
  sample:
    us-east-1: {"changed": false, "detector_id": "12abc34d567e8fa901bc2d34e56789f0", "pending": [], "error": null}
errors:
  {description: "With O(regions), one line per Region that failed, starting with the Region.",
   returned: when O(regions) is given, type: list, elements: str, sample: []}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import wait_argument_spec
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    FeatureError,
    check_exclusive,
    feature_option_spec,
    features_from_params,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_members import run_members
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_regions import (
    region_options,
    run_guardduty_module,
)


def argument_spec():
    return dict(
        accounts=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                account_id=dict(type="str", required=True),
                email=dict(type="str"),
                invite=dict(type="bool", default=False),
            ),
        ),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        purge_members=dict(type="bool", default=False),
        invitation_message=dict(type="str"),
        disable_email_notification=dict(type="bool", default=False),
        features=feature_option_spec("status"),
        purge_features=dict(type="bool", default=False),
        **wait_argument_spec(),
        **region_options()
    )


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    try:
        features = features_from_params(module.params["features"])
        check_exclusive(features)
    except FeatureError as e:
        module.fail_json(msg=str(e))
    run_guardduty_module(module, lambda client, region: run_members(module, client, region, features))


if __name__ == "__main__":
    main()
