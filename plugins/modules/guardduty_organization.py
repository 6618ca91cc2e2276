#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_organization
short_description: Enable GuardDuty for an AWS Organization in every Region, in one task
version_added: 0.1.0
description:
  - Run with the credentials of the organization's management account.
  - In each Region of O(regions), in this order, what radiant.aws_onboarding.guardduty_detector,
    radiant.aws_onboarding.guardduty_organization_admin, radiant.aws_onboarding.guardduty_organization_configuration
    and radiant.aws_onboarding.guardduty_members do one by one (docs/requirements.md#guardduty) -
    the management account's detector (it must have GuardDuty before it can be a member); the delegated administrator
    (O(administrator_account_id)); the administrator's detector, with its finding publishing frequency and
    protection plans; the organization configuration (auto-enable); and the members with their protection plans.
  - The administrator's steps run through O(administrator_role_arn), which the module assumes itself with its own
    credentials (one C(sts:AssumeRole)); the temporary credentials are never returned.
  - The Regions are worked on at once (at most O(max_workers) at a time, two clients per Region). A Region that
    fails stops at the failing step and does not stop the others; the module fails at the end with one message
    naming the account, every failed Region and the step.
  - An existing detector is adopted, never duplicated; another delegated administrator already in place is an
    error, not replaced.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  regions:
    description: The Regions to work in. An empty list does nothing.
    type: list
    elements: str
    required: true
  max_workers:
    description: How many Regions are worked on at once.
    type: int
    default: 10
  administrator_account_id:
    description: The 12-digit id of the account to make GuardDuty's delegated administrator.
    type: str
    required: true
  administrator_role_arn:
    description:
      - The role of the administrator account the module assumes for the administrator's steps, for example
        C(arn:aws:iam::111122223333:role/OrganizationAccountAccessRole).
      - Omit it when the module's credentials are the administrator account's own.
    type: str
  role_session_name:
    description: The session name of the assumed role (it shows in the administrator account's CloudTrail).
    type: str
    default: radiant-onboarding
  features:
    description:
      - Protection plans of the administrator's detector and of its members, compared as sets; plans not listed are
        left as they are.
      - Members that are not C(Enabled) yet are skipped and listed in their Region's C(members.features_pending).
    type: list
    elements: dict
    suboptions: &plan_suboptions  # the same plan shape as management_features
      name: {description: The feature's name as the GuardDuty API spells it., type: str, required: true}
      status: {description: ENABLED or DISABLED., type: str, choices: [ENABLED, DISABLED], default: ENABLED}
      additional_configuration:
        description: Additional configuration of the feature.
        type: list
        elements: dict
        suboptions:
          name: {description: The additional configuration's name., type: str, required: true}
          status: {description: ENABLED or DISABLED., type: str, choices: [ENABLED, DISABLED], default: ENABLED}
  management_features:
    description:
      - Protection plans of the management account's detector, compared as sets; plans not listed are left as
        they are.
    type: list
    elements: dict
    suboptions: *plan_suboptions
  finding_publishing_frequency:
    description: How often the administrator's detector publishes updated findings. When omitted, left as it is.
    type: str
    choices: [FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS]
  record_previous_settings:
    description:
      - When the finding publishing frequency of an adopted administrator detector changes, keep the previous value
        in a tag (the one before the first onboarding wins), for radiant.aws_onboarding.guardduty_detector's
        O(radiant.aws_onboarding.guardduty_detector#module:restore_previous_settings) to put back.
    type: bool
    default: false
  auto_enable_organization_members:
    description:
      - V(ALL) enables GuardDuty for every account of the organization (existing and new), V(NEW) only for accounts
        that join from now on, V(NONE) for none. When omitted, the current value is kept.
    type: str
    choices: [ALL, NEW, NONE]
  auto_enable_features:
    description: Per protection plan auto-enable settings of the organization configuration.
    type: list
    elements: dict
    suboptions:
      name: {description: The feature's name as the GuardDuty API spells it., type: str, required: true}
      auto_enable: {description: For which members., type: str, choices: [ALL, NEW, NONE], default: ALL}
      additional_configuration:
        description: Additional configuration of the feature.
        type: list
        elements: dict
        suboptions:
          name: {description: The additional configuration's name., type: str, required: true}
          auto_enable: {description: For which members., type: str, choices: [ALL, NEW, NONE], default: ALL}
  members:
    description:
      - The accounts to make members of the administrator, as radiant.aws_onboarding.guardduty_members'
        O(radiant.aws_onboarding.guardduty_members#module:accounts) (at most 50 accounts per API call).
      - Organization accounts are associated; accounts outside the organization (O(members[].invite=true)) are
        created and invited, and become members when they accept (radiant.aws_onboarding.guardduty_invitation).
      - Members that are not listed are left as they are.
    type: list
    elements: dict
    default: []
    suboptions:
      account_id: {description: 12-digit AWS account id., type: str, required: true}
      email: {description: "The account's root user email address.", type: str}
      invite: {description: V(true) for an account outside the organization., type: bool, default: false}
  invitation_message: {description: Message sent with invitations., type: str}
  member_details:
    description:
      - Whether each Region's C(members) step returns C(members), one record per member.
      - V(false) leaves the records out for organizations of thousands of accounts (1,000 members in 17 Regions
        are megabytes to return and template); C(not_enabled), C(pending), C(features_pending) and, with
        C(--diff), every member's relationship status still name the members.
    type: bool
    default: true
notes:
  - Check mode makes no write call. While the delegation or the administrator's detector is still to be made, the
    steps that depend on them are reported as not ready (RV(regions) C(ready=false)), not read.
extends_documentation_fragment:
  - radiant.aws_onboarding.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: GuardDuty for the organization in every Region, from the management account (docs/requirements.md#guardduty)
  radiant.aws_onboarding.guardduty_organization:
    regions: [us-east-1, us-west-2, eu-west-1]
    administrator_account_id: "111122223333"
    administrator_role_arn: arn:aws:iam::111122223333:role/OrganizationAccountAccessRole
    management_features: &plans
      - name: S3_DATA_EVENTS
      - name: EKS_AUDIT_LOGS
    features: *plans
    finding_publishing_frequency: FIFTEEN_MINUTES
    auto_enable_organization_members: ALL
    auto_enable_features:
      - name: S3_DATA_EVENTS
        auto_enable: ALL
    members:
      - account_id: "444455556666"
        email: aws+a@example.test
      - account_id: "990000000001"
        email: root+outside-01@partner1.test
        invite: true
    invitation_message: Radiant Security onboarding
  register: guardduty  # guardduty.regions['us-west-2'].members.pending
"""

RETURN = r"""
regions:
  description:
    - Each Region's result keyed by Region, with C(changed), C(ready), C(error) (why the Region failed, naming the
      step; null when it did not), C(diff) (with C(--diff), keyed by step) and, for each step that ran, what its own
      module returns for one Region.
    - C(management_detector) and C(administrator_detector) as radiant.aws_onboarding.guardduty_detector's (C(changed),
      C(created), C(detector_id), C(detector)); C(delegated_administrator) as
      radiant.aws_onboarding.guardduty_organization_admin's; C(organization_configuration) as
      radiant.aws_onboarding.guardduty_organization_configuration's; C(members) as
      radiant.aws_onboarding.guardduty_members' (C(members), C(pending), C(features_pending), C(not_enabled),
      C(associating) and the others).
  returned: always
  type: dict
  sample:
    us-east-1:
      changed: false
      ready: true
      error: null
      management_detector: {"changed": false, "created": false, "detector_id": "4b2fd2ad5a0f4e1c8e1d0d5cfe7b1a11"}
      delegated_administrator: {"changed": false, "admin_account_id": "111122223333", "admin_status": "ENABLED"}
      administrator_detector: {"changed": false, "created": false, "detector_id": "12abc34d567e8fa901bc2d34e56789f0"}
      organization_configuration: {"changed": false, "detector_id": "12abc34d567e8fa901bc2d34e56789f0"}
      members: {"changed": false, "pending": [], "features_pending": [], "not_enabled": []}
errors:
  description: One line per Region that failed, starting with the Region and naming the step and its account.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    DEFAULT_SESSION_NAME,
    AccountAccessError,
    AccountSessions,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import wait_argument_spec
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import GuardDutyError
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    FeatureError,
    check_exclusive,
    feature_option_spec,
    features_from_params,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization_setup import (
    OrganizationSettings,
    converge_organization_region,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_regions import (
    DEFAULT_MAX_WORKERS,
    converge_regions,
    exit_with_regions,
    unique_regions,
)


def argument_spec():
    return dict(
        regions=dict(type="list", elements="str", required=True),
        max_workers=dict(type="int", default=DEFAULT_MAX_WORKERS),
        administrator_account_id=dict(type="str", required=True),
        administrator_role_arn=dict(type="str"),
        role_session_name=dict(type="str", default=DEFAULT_SESSION_NAME),
        management_features=feature_option_spec("status"),
        features=feature_option_spec("status"),
        finding_publishing_frequency=dict(type="str", choices=["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]),
        record_previous_settings=dict(type="bool", default=False),
        auto_enable_organization_members=dict(type="str", choices=["ALL", "NEW", "NONE"]),
        auto_enable_features=feature_option_spec("auto_enable", choices=("ALL", "NEW", "NONE"), default="ALL"),
        members=dict(type="list", elements="dict", default=[], options=dict(
            account_id=dict(type="str", required=True),
            email=dict(type="str"),
            invite=dict(type="bool", default=False),
        )),
        invitation_message=dict(type="str"),
        member_details=dict(type="bool", default=True),
        **wait_argument_spec()
    )


def settings_from_params(params):
    """OrganizationSettings from the options; FeatureError or GuardDutyError on bad input."""
    management_features = features_from_params(params["management_features"])
    features = features_from_params(params["features"])
    check_exclusive(management_features)
    check_exclusive(features)
    # guardduty_members' options for the members step: add and invite, never remove.
    members_params = dict(accounts=params["members"], state="present", purge_members=False,
                          invitation_message=params["invitation_message"], disable_email_notification=False,
                          purge_features=False, wait=params["wait"], wait_timeout=params["wait_timeout"],
                          member_details=params["member_details"])
    return OrganizationSettings(
        admin_account_id=str(params["administrator_account_id"]),
        management_features=management_features,
        features=features,
        frequency=params["finding_publishing_frequency"],
        record_previous=params["record_previous_settings"],
        auto_enable=params["auto_enable_organization_members"],
        auto_enable_features=features_from_params(params["auto_enable_features"], "auto_enable"),
        members_params=members_params,
        wait=params["wait"],
        wait_timeout=params["wait_timeout"],
    )


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    try:
        settings = settings_from_params(params)
        regions = unique_regions(params["regions"])
    except (FeatureError, GuardDutyError) as e:
        module.fail_json(msg=str(e))

    sessions = AccountSessions.for_module(module)
    own = sessions.credentials(None, None)
    try:
        administrator = sessions.credentials(settings.admin_account_id, params["administrator_role_arn"])
    except AccountAccessError as e:
        module.fail_json(msg="GuardDuty's delegated administrator, {0}".format(e.message), regions={},
                         errors=[e.message])

    results, errors = converge_regions(
        lambda region: (sessions.guardduty(own, region), sessions.guardduty(administrator, region)),
        regions,
        lambda clients, region: converge_organization_region(module, clients, region, settings),
        max_workers=params["max_workers"],
    )
    exit_with_regions(module, regions, results, errors, what="GuardDuty for the organization")


if __name__ == "__main__":
    main()
