#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_publishing_destination
short_description: Export the findings of a region's GuardDuty detector to an S3 bucket
version_added: 0.1.0
description:
  - Manages the S3 publishing destination (bucket ARN, optional prefix, and KMS key ARN) of the account's
    detector in the region. An existing destination is adopted and updated in place when the bucket or the
    key changed; it is never duplicated.
  - Waits, with a bound, until GuardDuty reports the destination C(PUBLISHING).
  - When GuardDuty refuses the bucket or the key, or reports C(UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY),
    the module fails naming the bucket policy and key policy statements to fix (GuardDuty user guide,
    "Exporting findings").
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  destination_arn:
    description:
      - The bucket ARN, optionally with a prefix, for example C(arn:aws:s3:::acme-guardduty-radiantsecurity) or
        C(arn:aws:s3:::acme-guardduty-radiantsecurity/guardduty).
      - Required with O(state=present).
    type: str
  kms_key_arn:
    description:
      - ARN of the KMS key GuardDuty encrypts the findings with (a key ARN, not an alias), in the bucket's region.
      - Required with O(state=present).
    type: str
  state:
    description: V(present) creates or updates the destination; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode makes no write call.
  - O(wait) waits until the destination is C(PUBLISHING).
extends_documentation_fragment:
  - radiant.aws_onboarding.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Export findings to the Radiant bucket (docs/requirements.md#findings-export)
  radiant.aws_onboarding.guardduty_publishing_destination:
    region: us-east-1
    destination_arn: arn:aws:s3:::acme-guardduty-radiantsecurity
    kms_key_arn: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab

- name: Stop exporting
  radiant.aws_onboarding.guardduty_publishing_destination:
    region: us-east-1
    state: absent
"""

RETURN = r"""
detector_id:
  description: The region's detector.
  returned: always
  type: str
  sample: 12abc34d567e8fa901bc2d34e56789f0
destination:
  description: The destination after the run (predicted in check mode), or null when there is none.
  returned: always
  type: dict
  contains:
    destination_id:
      description: Destination id (null in check mode before creation).
      type: str
      sample: 0ebaf8e31a2b4c38b3c9b8e6f1c2d3e4
    destination_type:
      description: C(S3).
      type: str
      sample: S3
    destination_arn:
      description: Bucket ARN with the optional prefix.
      type: str
      sample: arn:aws:s3:::acme-guardduty-radiantsecurity
    kms_key_arn:
      description: KMS key ARN.
      type: str
      sample: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    status:
      description: C(PENDING_VERIFICATION), C(PUBLISHING), C(UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY) or C(STOPPED).
      type: str
      sample: PUBLISHING
    publishing_failure_start_timestamp:
      description: When publishing started failing (milliseconds since the epoch), 0 when it does not fail.
      type: int
      sample: 0
    tags:
      description: Tags of the destination.
      type: dict
      sample: {}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of, wait_argument_spec
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    fail,
    guardduty_client,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_export import (
    destination_result,
    ensure_publishing_destination,
)


def main():
    argument_spec = dict(
        destination_arn=dict(type="str"),
        kms_key_arn=dict(type="str", no_log=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        **wait_argument_spec(),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["destination_arn", "kms_key_arn"])],
    )
    try:
        outcome = ensure_publishing_destination(
            guardduty_client(module),
            module.region,
            destination_arn=module.params["destination_arn"],
            kms_key_arn=module.params["kms_key_arn"],
            state=module.params["state"],
            wait=module.params["wait"],
            wait_timeout=module.params["wait_timeout"],
            check_mode=module.check_mode,
        )
    except GuardDutyError as e:
        fail(module, e)
    result = dict(
        changed=outcome["changed"],
        detector_id=outcome["detector_id"],
        destination=destination_result(outcome["destination"]),
    )
    if module._diff:
        result["diff"] = diff_of(outcome["before"], outcome["after"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
