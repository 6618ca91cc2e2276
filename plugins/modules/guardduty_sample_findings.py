#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_sample_findings
short_description: Create GuardDuty sample findings to test the integration end to end
version_added: 0.1.0
description:
  - Creates sample findings with the region's detector (CreateSampleFindings), as the end-to-end test of
    docs/requirements.md#end-to-end-test does, and reports the findings AWS created (their ids and types).
  - With a publishing destination, GuardDuty exports them to the bucket, whose event notification then
    reaches the SNS topic.
  - Every run creates findings, so the module always reports a change; in check mode it reports the change
    and creates nothing.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  finding_types:
    description:
      - Finding types to create, for example C(Recon:EC2/PortProbeUnprotectedPort). When omitted, GuardDuty
        creates its default set of sample findings.
    type: list
    elements: str
  wait_timeout:
    default: 60
notes:
  - Check mode makes no write call.
  - The module waits, at most O(wait_timeout) seconds, for the new findings to be listed.
extends_documentation_fragment:
  - radiant.aws_onboarding.wait.timeout
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create a sample finding for the end-to-end test
  radiant.aws_onboarding.guardduty_sample_findings:
    region: us-east-1
    finding_types:
      - Recon:EC2/PortProbeUnprotectedPort
  register: sample

- name: Show the finding ids
  ansible.builtin.debug:
    msg: "{{ sample.finding_ids }}"
"""

RETURN = r"""
detector_id:
  description: The detector that created the findings.
  returned: always
  type: str
  sample: 12abc34d567e8fa901bc2d34e56789f0
finding_ids:
  description: Ids of the findings this run created (empty in check mode).
  returned: always
  type: list
  elements: str
  sample: ["2cc3b4b0f1e24b4c9d1b2f0e1c2d3e4f"]
findings:
  description: The created findings (empty in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Finding id.
      type: str
      sample: 2cc3b4b0f1e24b4c9d1b2f0e1c2d3e4f
    type:
      description: Finding type.
      type: str
      sample: Recon:EC2/PortProbeUnprotectedPort
    arn:
      description: Finding ARN.
      type: str
      sample: arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0/finding/2cc3b4b0
    account_id:
      description: Account of the finding.
      type: str
      sample: "111122223333"
    region:
      description: Region of the finding.
      type: str
      sample: us-east-1
    severity:
      description: Severity.
      type: float
      sample: 5.0
    title:
      description: Title.
      type: str
      sample: Unprotected port on EC2 instance is being probed.
    created_at:
      description: Creation time.
      type: str
      sample: "2026-11-21T10:00:00.000Z"
    updated_at:
      description: Last update time.
      type: str
      sample: "2026-11-21T10:00:00.000Z"
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import wait_argument_spec
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    fail,
    guardduty_client,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_export import (
    create_sample_findings,
    finding_result,
)


def main():
    argument_spec = dict(
        finding_types=dict(type="list", elements="str"),
        **wait_argument_spec(timeout=60, switch=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        outcome = create_sample_findings(
            guardduty_client(module),
            module.region,
            finding_types=module.params["finding_types"],
            wait_timeout=module.params["wait_timeout"],
            check_mode=module.check_mode,
        )
    except GuardDutyError as e:
        fail(module, e)
    findings = [finding_result(f) for f in outcome["findings"]]
    module.exit_json(
        changed=True,
        detector_id=outcome["detector_id"],
        finding_ids=[f["id"] for f in findings],
        findings=findings,
    )


if __name__ == "__main__":
    main()
