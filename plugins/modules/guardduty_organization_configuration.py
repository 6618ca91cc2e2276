#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_organization_configuration
short_description: Manage GuardDuty's organization auto-enable settings in a region, or many at once
version_added: 0.1.0
description:
  - Run with the credentials of the GuardDuty delegated administrator.
  - Sets whether GuardDuty is enabled automatically for the organization's accounts (C(ALL), C(NEW) or
    C(NONE)) and, per protection plan, whether it is auto-enabled, with its additional configuration
    (UpdateOrganizationConfiguration, using the current C(autoEnableOrganizationMembers) and C(features)
    fields, never the deprecated C(autoEnable) and C(dataSources)).
  - Features are compared as sets; features that are not listed are left as they are unless
    O(purge_features=true).
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  auto_enable_organization_members:
    description:
      - V(ALL) enables GuardDuty for every account of the organization (existing and new), V(NEW) only for
        accounts that join from now on, V(NONE) for none. When omitted, the current value is kept.
      - With V(ALL), organization members cannot be removed (AWS refuses DeleteMembers).
    type: str
    choices: [ALL, NEW, NONE]
  features:
    description: Per protection plan auto-enable settings.
    type: list
    elements: dict
    suboptions:
      name:
        description: The feature's name as the GuardDuty API spells it, for example C(S3_DATA_EVENTS).
        type: str
        required: true
      auto_enable:
        description: For which members the plan is enabled automatically.
        type: str
        choices: [ALL, NEW, NONE]
        default: ALL
      additional_configuration:
        description: Additional configuration of the feature, for example C(EKS_ADDON_MANAGEMENT).
        type: list
        elements: dict
        suboptions:
          name:
            description: The additional configuration's name.
            type: str
            required: true
          auto_enable:
            description: For which members it is enabled automatically.
            type: str
            choices: [ALL, NEW, NONE]
            default: ALL
  purge_features:
    description: Set C(NONE) for every feature (and additional configuration of a listed feature) not listed.
    type: bool
    default: false
notes:
  - Check mode makes no write call.
extends_documentation_fragment:
  - radiant.aws_onboarding.guardduty.regions
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Auto-enable GuardDuty and S3 Protection for every organization account (docs/requirements.md#protection-plans)
  radiant.aws_onboarding.guardduty_organization_configuration:
    region: us-east-1
    auto_enable_organization_members: ALL
    features:
      - name: S3_DATA_EVENTS
        auto_enable: ALL

- name: The same settings in every Region at once
  radiant.aws_onboarding.guardduty_organization_configuration:
    regions: [us-east-1, us-west-2, eu-west-1]
    auto_enable_organization_members: ALL

- name: S3 Protection only for accounts that join from now on
  radiant.aws_onboarding.guardduty_organization_configuration:
    region: us-east-1
    features:
      - name: S3_DATA_EVENTS
        auto_enable: NEW
"""

RETURN = r"""
detector_id:
  description: The delegated administrator's detector in the region.
  returned: when O(regions) is not given
  type: str
  sample: 12abc34d567e8fa901bc2d34e56789f0
organization_configuration:
  description: The configuration after the run (predicted in check mode).
  returned: when O(regions) is not given
  type: dict
  contains:
    auto_enable_organization_members:
      description: C(ALL), C(NEW) or C(NONE).
      type: str
      sample: ALL
    member_account_limit_reached:
      description: Whether the administrator reached its member limit.
      type: bool
      sample: false
    features:
      description: Every feature's auto-enable setting, sorted by name.
      type: list
      elements: dict
      contains:
        name:
          description: Feature name.
          type: str
          sample: S3_DATA_EVENTS
        auto_enable:
          description: C(ALL), C(NEW) or C(NONE).
          type: str
          sample: ALL
        additional_configuration:
          description: Additional configuration, sorted by name, each with C(name) and C(auto_enable).
          type: list
          elements: dict
          sample: [{"name": "EKS_ADDON_MANAGEMENT", "auto_enable": "NONE"}]
regions:
  description:
    - With O(regions), each Region's result keyed by Region, with the keys above, C(changed), C(diff) (with
      C(--diff)) and C(error) (why the Region failed, null when it did not).
  returned: when O(regions) is given
  type: dict
  sample:
    us-east-1: {"changed": false, "detector_id": "12abc34d567e8fa901bc2d34e56789f0", "error": null}
errors:
  description: With O(regions), one line per Region that failed, starting with the Region.
  returned: when O(regions) is given
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    FeatureError,
    feature_option_spec,
    features_from_params,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization import (
    ensure_organization_configuration,
    organization_configuration_step_result,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_regions import (
    region_options,
    run_guardduty_module,
)


def main():
    argument_spec = dict(
        auto_enable_organization_members=dict(type="str", choices=["ALL", "NEW", "NONE"]),
        features=feature_option_spec("auto_enable", choices=("ALL", "NEW", "NONE"), default="ALL"),
        purge_features=dict(type="bool", default=False),
        **region_options()
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        features = features_from_params(module.params["features"], "auto_enable")
    except FeatureError as e:
        module.fail_json(msg=str(e))

    def converge(client, region):
        outcome = ensure_organization_configuration(
            client,
            region,
            auto_enable=module.params["auto_enable_organization_members"],
            features=features,
            purge_features=module.params["purge_features"],
            check_mode=module.check_mode,
        )
        return organization_configuration_step_result(outcome, module._diff)

    run_guardduty_module(module, converge)


if __name__ == "__main__":
    main()
