#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_detector
short_description: Manage the GuardDuty detector of a region, or of many regions at once
version_added: 0.1.0
description:
  - Makes sure the account's GuardDuty detector of the region exists, enabled or suspended, with a finding
    publishing frequency and protection plans (features) with their additional configuration.
  - GuardDuty allows one detector per account and region. An existing detector (for example one that
    organization auto-enable created) is adopted; a second one is never created.
  - Features listed in O(features) are managed; features that are not listed are left as they are unless
    O(purge_features=true). Features and additional configurations are compared as sets, so their order
    never causes a change.
  - When a detector is created, GuardDuty enables every optional protection plan that is not listed,
    except C(RUNTIME_MONITORING); list a plan with O(features[].status=DISABLED) to create the detector
    without it.
  - O(state=absent) deletes the detector only when it has no member accounts; otherwise the module fails
    and says how to remove them.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  state:
    description:
      - V(present) makes the detector exist with the given settings; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  enable:
    description:
      - V(true) keeps the detector C(ENABLED); V(false) suspends it (C(DISABLED)).
    type: bool
    default: true
  finding_publishing_frequency:
    description:
      - How often updated findings are exported (to EventBridge and publishing destinations).
      - When omitted, the current value is kept (GuardDuty's default for a new detector is C(SIX_HOURS)).
    type: str
    choices: [FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS]
  features:
    description:
      - Protection plans to manage, for example C(S3_DATA_EVENTS), C(EKS_AUDIT_LOGS),
        C(EBS_MALWARE_PROTECTION), C(RDS_LOGIN_EVENTS), C(LAMBDA_NETWORK_LOGS), C(EKS_RUNTIME_MONITORING),
        C(RUNTIME_MONITORING).
      - C(EKS_RUNTIME_MONITORING) and C(RUNTIME_MONITORING) cannot both be enabled.
  purge_features:
    description:
      - Switch off every feature, and every additional configuration of a listed feature, that is not listed.
      - GuardDuty's foundational sources (CloudTrail, DNS logs, VPC flow logs) are always on and never touched.
    type: bool
    default: false
  record_previous_settings:
    description:
      - When the module changes the finding publishing frequency of an existing detector, keep the previous
        value on the detector, in the tag C(radiant:previous-finding-publishing-frequency), so that
        O(restore_previous_settings=true) can put it back. A tag already there is kept (it holds the value from
        before the first change).
    type: bool
    default: false
  restore_previous_settings:
    description:
      - Put back the finding publishing frequency that O(record_previous_settings=true) recorded and remove the tag;
        no change when there is no detector or no record. The other options but O(state=present) are not used.
    type: bool
    default: false
notes:
  - Check mode makes no write call and reports what would change; with C(--diff) the diff shows
    the detector before and after.
  - All calls are made in the region given by O(region), or in each of O(regions).
extends_documentation_fragment:
  - radiant.aws_onboarding.guardduty.features
  - radiant.aws_onboarding.guardduty.regions
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Enable GuardDuty with 15-minute exports and every plan except runtime monitoring's agents
  radiant.aws_onboarding.guardduty_detector:
    region: us-east-1
    finding_publishing_frequency: FIFTEEN_MINUTES
    features:
      - name: S3_DATA_EVENTS
      - name: EKS_AUDIT_LOGS
      - name: EBS_MALWARE_PROTECTION
      - name: RDS_LOGIN_EVENTS
      - name: LAMBDA_NETWORK_LOGS
      - name: RUNTIME_MONITORING
        additional_configuration:
          - name: EKS_ADDON_MANAGEMENT
            status: DISABLED
          - name: ECS_FARGATE_AGENT_MANAGEMENT
            status: DISABLED
          - name: EC2_AGENT_MANAGEMENT
            status: DISABLED

- name: Disable S3 Protection on a standalone account (docs/requirements.md#protection-plans)
  radiant.aws_onboarding.guardduty_detector:
    region: eu-west-1
    features:
      - name: S3_DATA_EVENTS
        status: DISABLED

- name: Create a detector with S3 Protection disabled from the start (docs/requirements.md#protection-plans)
  radiant.aws_onboarding.guardduty_detector:
    region: eu-west-1
    features:
      - name: S3_DATA_EVENTS
        status: DISABLED

- name: Onboarding - 15-minute exports, remembering a customer detector's own frequency
  radiant.aws_onboarding.guardduty_detector:
    region: us-east-1
    finding_publishing_frequency: FIFTEEN_MINUTES
    record_previous_settings: true

- name: Offboarding - give the customer detector its own frequency back
  radiant.aws_onboarding.guardduty_detector:
    region: us-east-1
    restore_previous_settings: true

- name: Suspend GuardDuty in a region
  radiant.aws_onboarding.guardduty_detector:
    region: ap-south-1
    enable: false

- name: The same detector settings in every Region, in one task
  radiant.aws_onboarding.guardduty_detector:
    regions: [us-east-1, us-west-2, eu-west-1]
    finding_publishing_frequency: FIFTEEN_MINUTES
  register: detectors  # detectors.regions['eu-west-1'].detector_id

- name: Delete the detector (fails while it has members)
  radiant.aws_onboarding.guardduty_detector:
    region: ap-south-1
    state: absent
"""

RETURN = r"""
detector_id:
  description: The region's detector id (null when there is none, or in check mode before creation).
  returned: when O(regions) is not given
  type: str
  sample: 12abc34d567e8fa901bc2d34e56789f0
created:
  description: Whether the module created the detector (false when it adopted an existing one).
  returned: when O(regions) is not given
  type: bool
  sample: false
detector:
  description: The detector as GuardDuty reports it after the change (null after deletion or when it does not exist).
  returned: when O(regions) is not given
  type: dict
  contains:
    detector_id:
      description: Detector id.
      type: str
      sample: 12abc34d567e8fa901bc2d34e56789f0
    status:
      description: C(ENABLED) or C(DISABLED).
      type: str
      sample: ENABLED
    finding_publishing_frequency:
      description: Export frequency.
      type: str
      sample: FIFTEEN_MINUTES
    service_role:
      description: The GuardDuty service-linked role.
      type: str
      sample: arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty
    created_at:
      description: Creation time.
      type: str
      sample: "2026-11-21T10:00:00.000Z"
    updated_at:
      description: Last update time.
      type: str
      sample: "2026-11-21T10:00:00.000Z"
    tags:
      description: Tags of the detector.
      type: dict
      sample: {}
    features:
      description: Every feature GuardDuty reports, sorted by name.
      type: list
      elements: dict
      contains:
        name:
          description: Feature name.
          type: str
          sample: S3_DATA_EVENTS
        status:
          description: C(ENABLED) or C(DISABLED).
          type: str
          sample: ENABLED
        additional_configuration:
          description: Additional configuration, sorted by name, each with C(name) and C(status).
          type: list
          elements: dict
          sample: [{"name": "EKS_ADDON_MANAGEMENT", "status": "DISABLED"}]
regions:
  description:
    - With O(regions), each Region's result keyed by Region, with the keys above, C(changed), C(diff) (with
      C(--diff)) and C(error) (why the Region failed, null when it did not).
  returned: when O(regions) is given
  type: dict
  sample:
    us-east-1: {"changed": false, "created": false, "detector_id": "12abc34d567e8fa901bc2d34e56789f0", "error": null}
errors:
  description: With O(regions), one line per Region that failed, starting with the Region.
  returned: when O(regions) is given
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    delete_detector,
    detector_step_result,
    ensure_detector,
    restore_detector,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    FeatureError,
    check_exclusive,
    feature_option_spec,
    features_from_params,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_regions import (
    region_options,
    run_guardduty_module,
)


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        enable=dict(type="bool", default=True),
        finding_publishing_frequency=dict(type="str", choices=["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]),
        features=feature_option_spec("status"),
        purge_features=dict(type="bool", default=False),
        record_previous_settings=dict(type="bool", default=False),
        restore_previous_settings=dict(type="bool", default=False),
        **region_options()
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    restore = module.params["restore_previous_settings"]
    if restore and (module.params["finding_publishing_frequency"] or module.params["features"]):
        module.fail_json(msg="restore_previous_settings puts back the recorded settings: leave out "
                             "finding_publishing_frequency and features")
    try:
        features = features_from_params(module.params["features"])
        check_exclusive(features)
    except FeatureError as e:
        module.fail_json(msg=str(e))

    def converge(client, region):
        if module.params["state"] == "absent":
            outcome = delete_detector(client, region, check_mode=module.check_mode)
            outcome["created"] = False
        elif restore:
            outcome = restore_detector(client, region, check_mode=module.check_mode)
        else:
            outcome = ensure_detector(
                client,
                region,
                enable=module.params["enable"],
                frequency=module.params["finding_publishing_frequency"],
                features=features,
                purge_features=module.params["purge_features"],
                check_mode=module.check_mode,
                record_previous=module.params["record_previous_settings"],
            )
        return detector_step_result(outcome, module._diff, absent=module.params["state"] == "absent")

    run_guardduty_module(module, converge)


if __name__ == "__main__":
    main()
