#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_member_publishing_destinations
short_description: Export the GuardDuty findings of many accounts, in many Regions, to one S3 bucket
version_added: 0.1.0
description:
  - The per-account export of docs/requirements.md#per-account-export - every listed account's detector, in every listed
    region, gets an S3 publishing destination into the main bucket with the main KMS key.
  - Each account is reached with ONE C(sts:AssumeRole) of its O(accounts[].role_arn), made with the credentials the
    module runs with (the organization's management account); then, per region, the detector is looked up and its S3
    destination created, adopted and updated in place, or deleted. A destination is never duplicated.
  - An account-region pair without a detector is reported in RV(accounts_without_detector), not an error.
  - Account-Region pairs are handled in parallel (O(max_workers) threads); clients share one boto3 session.
  - When a role cannot be assumed or GuardDuty refuses the bucket or the key, the module still handles every other
    pair, then fails with one line per failure naming the account, the region and what to fix.
  - An account without O(accounts[].role_arn) is reached with the module's own credentials; the findings_export role
    exports the GuardDuty administrator's findings that way, every Region in one task.
  - With O(wait), every destination created or changed is waited for until GuardDuty reports it C(PUBLISHING).
    GuardDuty checks the bucket and key policies when a destination is saved, and a destination reported
    C(UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY) is a failure with the advice.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  accounts:
    required: true
  regions:
    description: The regions to handle in every account.
    type: list
    elements: str
    required: true
  destination_arn:
    description:
      - The bucket ARN, optionally with a prefix, for example C(arn:aws:s3:::acme-guardduty-radiantsecurity).
      - Required with O(state=present).
    type: str
  kms_key_arn:
    description:
      - ARN of the KMS key GuardDuty encrypts the findings with, in the bucket's region.
      - Required with O(state=present).
    type: str
  state:
    description: V(present) creates or updates the destinations; V(absent) deletes them.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait until every destination created or changed is C(PUBLISHING), at most O(wait_timeout) seconds each.
      - Off by default for the members' many destinations; GuardDuty still refuses a bucket or key it cannot use.
    default: false
notes:
  - Check mode makes no write call (it assumes the roles and reads); it is how a caller learns every member
    detector ARN (RV(detector_arns)) to write the bucket and key policies before the destinations.
extends_documentation_fragment:
  - radiant.aws_onboarding.accounts
  - radiant.aws_onboarding.accounts.max_workers
  - radiant.aws_onboarding.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Learn the member detectors (no write)
  radiant.aws_onboarding.guardduty_member_publishing_destinations:
    accounts:
      - account_id: "111122223333"
        role_arn: arn:aws:iam::111122223333:role/OrganizationAccountAccessRole
    regions: [us-east-1, us-west-2]
    destination_arn: arn:aws:s3:::acme-guardduty-radiantsecurity
    kms_key_arn: arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab
  check_mode: true
  register: member_detectors

- name: Export every member's findings to the main bucket
  radiant.aws_onboarding.guardduty_member_publishing_destinations:
    accounts:
      - account_id: "111122223333"
        role_arn: arn:aws:iam::111122223333:role/OrganizationAccountAccessRole
    regions: [us-east-1, us-west-2]
    destination_arn: arn:aws:s3:::acme-guardduty-radiantsecurity
    kms_key_arn: arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab

- name: Stop the members' exports
  radiant.aws_onboarding.guardduty_member_publishing_destinations:
    accounts:
      - account_id: "111122223333"
        role_arn: arn:aws:iam::111122223333:role/OrganizationAccountAccessRole
    regions: [us-east-1, us-west-2]
    state: absent
"""

RETURN = r"""
destinations:
  description: One entry per account and region, in the order given (predicted in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: The account.
      type: str
      sample: "111122223333"
    region:
      description: The region.
      type: str
      sample: us-east-1
    detector_id:
      description: The account's detector in the region, null when it has none.
      type: str
      sample: 12abc34d567e8fa901bc2d34e56789f0
    detector_arn:
      description: The detector's ARN, null when there is no detector.
      type: str
      sample: arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0
    destination_id:
      description: The destination's id; null when there is none (or in check mode before creation).
      type: str
      sample: 0ebaf8e31a2b4c38b3c9b8e6f1c2d3e4
    destination_arn:
      description: The destination's bucket ARN with the optional prefix.
      type: str
      sample: arn:aws:s3:::acme-guardduty-radiantsecurity
    kms_key_arn:
      description: The destination's KMS key ARN.
      type: str
      sample: arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab
    status:
      description: C(PENDING_VERIFICATION), C(PUBLISHING), C(UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY), or null.
      type: str
      sample: PUBLISHING
    changed:
      description: Whether this pair changed (would change in check mode).
      type: bool
      sample: false
    error:
      description: Why this pair failed, null when it did not.
      type: str
      sample: null
detector_arns:
  description: Every detector found, in the order of RV(destinations).
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0"]
accounts_without_detector:
  description: The account-region pairs without a detector (nothing to export there).
  returned: always
  type: list
  elements: dict
  sample: [{"account_id": "111122223333", "region": "us-west-2"}]
errors:
  description: One message per failure (account, region, what to fix); empty on success.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    AccountSessions,
    accounts_argument_spec,
    failure_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of, wait_argument_spec
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_member_destinations import (
    converge_accounts,
)


def main():
    argument_spec = dict(
        regions=dict(type="list", elements="str", required=True),
        destination_arn=dict(type="str"),
        kms_key_arn=dict(type="str", no_log=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        **dict(wait_argument_spec(wait=False), **accounts_argument_spec(required=True, workers=True))
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["destination_arn", "kms_key_arn"])],
    )
    clients = AccountSessions.for_module(module)
    outcome = converge_accounts(
        clients,
        module.params["accounts"],
        module.params["regions"],
        max_workers=module.params["max_workers"],
        destination_arn=module.params["destination_arn"],
        kms_key_arn=module.params["kms_key_arn"],
        state=module.params["state"],
        check_mode=module.check_mode,
        wait=module.params["wait"],
        wait_timeout=module.params["wait_timeout"],
    )
    diff = outcome.pop("diff")
    if module._diff:
        outcome["diff"] = diff_of(diff["before"], diff["after"])
    if outcome["errors"]:
        module.fail_json(msg=failure_message(outcome["errors"], len(outcome["destinations"])), **outcome)
    module.exit_json(**outcome)


if __name__ == "__main__":
    main()
