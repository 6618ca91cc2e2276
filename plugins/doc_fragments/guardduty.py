# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # The shape of a protection plan, as GuardDuty's detector and member APIs spell it. A module
    # that uses this fragment gives O(features) its own description; this supplies the rest.
    FEATURES = r"""
options:
  features:
    type: list
    elements: dict
    suboptions:
      name:
        description: The feature's name as the GuardDuty API spells it, for example C(S3_DATA_EVENTS).
        type: str
        required: true
      status:
        description: Whether the feature is on.
        type: str
        choices: [ENABLED, DISABLED]
        default: ENABLED
      additional_configuration:
        description:
          - Additional configuration of the feature, for example C(EKS_ADDON_MANAGEMENT),
            C(ECS_FARGATE_AGENT_MANAGEMENT) and C(EC2_AGENT_MANAGEMENT) of C(RUNTIME_MONITORING).
          - Additional configurations that are not listed are left as they are unless O(purge_features=true).
        type: list
        elements: dict
        suboptions:
          name:
            description: The additional configuration's name as the GuardDuty API spells it.
            type: str
            required: true
          status:
            description: Whether it is on.
            type: str
            choices: [ENABLED, DISABLED]
            default: ENABLED
"""

    # Modules that can do their work in many Regions in one task (module_utils/guardduty_regions.py).
    REGIONS = r"""
options:
  regions:
    description:
      - Do the work in each of these Regions, at once (at most O(max_workers) Regions at a time, one client per
        Region), instead of in the one Region of O(region).
      - The result then has RV(regions) (each Region's result, keyed by Region, as the module returns it for one
        Region, with C(error)), RV(errors) and one diff keyed by Region. A Region that fails does not stop the
        others; the module fails at the end with one message naming the account and every failed Region.
      - An empty list does nothing.
    type: list
    elements: str
  max_workers:
    description: How many Regions of O(regions) are worked on at once.
    type: int
    default: 10
"""
