# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


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
