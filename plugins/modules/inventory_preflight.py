#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: inventory_preflight
short_description: Validate the onboarding inventory and settings, all hosts in one task
version_added: 0.1.0
description:
  - Runs on the controller (an action plugin) and reads every host's variables through C(hostvars),
    so a 2,000-account inventory is checked in one task on one host.
  - "Static checks: each host's C(aws_account_id) (12 digits, unique), C(aws_account_email) (valid; required
    in C(outside_accounts)), per-host C(radiant_assume_role_name); exactly one host in C(management_account)
    and in C(log_account), matching the declared ids; the GuardDuty administrator not invited as an outside
    member; excluded ids; Region codes; bucket names; the external ID."
  - "Live checks, from data the preflight role gathered from AWS: the controller's identity is the
    management account, each assumed role was reachable, each Region is enabled in each account."
  - Every problem names the host (or variable) and the field, and the Region where one is involved. All
    problems are collected; the task fails once with the whole list.
  - Makes no AWS call and changes nothing.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  hosts:
    description:
      - Hosts (accounts) to validate. Defaults to every host of the groups C(management_account), C(log_account),
        C(organization_members), C(suspended_accounts) and C(outside_accounts).
    type: list
    elements: str
  phase_roles:
    description:
      - The phase roles whose variables are checked too, each as the phase will see it on the management host
        (their defaults and argument specs, templated with the inventory's variables), whatever C(--tags) run.
      - When given, the settings are read from the C(radiant_*) variables rather than from the options below.
    type: list
    elements: str
  regions:
    description: The Regions to onboard, a list of Region codes (V(null) when they are to be discovered).
    type: raw
  company_name:
    description: The company name that prefixes the bucket names.
    type: str
  bucket_names:
    description: Bucket names to check against S3's naming rules, keyed by the variable that sets each.
    type: dict
    default: {}
  external_id:
    description: Radiant's AWS External Role ID.
    type: str
  management_account_id:
    description: The declared management account id (optional; the management host's id otherwise).
    type: str
  log_account_id:
    description: The declared log/security account id (optional; the log host's id otherwise).
    type: str
  guardduty_admin_account_id:
    description: The GuardDuty delegated administrator (optional; the log account otherwise).
    type: str
  excluded_account_ids:
    description: Accounts left out of GuardDuty membership.
    type: list
    elements: str
    default: []
  caller_account_id:
    description: The account of the controller's credentials (sts GetCallerIdentity), when checked.
    type: str
  credential_errors:
    description: Hosts whose role could not be assumed, with the error (from the C(radiant) role).
    type: dict
    default: {}
  account_errors:
    description:
      - "Accounts reached by a batch module (those outside the organization) whose role could not be assumed, by
        account id: C({account_id: why})."
    type: dict
    default: {}
  region_statuses:
    description: "Regions and their opt-in status by host: C({host: {region: status}})."
    type: dict
    default: {}
  member_region_statuses:
    description: "Regions and their opt-in status by account id: C({account_id: {region: status}})."
    type: dict
    default: {}
  organization_accounts:
    description:
      - The organization's accounts as M(radiant.aws_onboarding.organizations_info) lists them (C(id), C(name),
        C(status)). An outside account must not be a member, and the GuardDuty administrator must be an active one.
    type: list
    elements: dict
  extra_problems:
    description: Problems found by other checks, each already naming host and field.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Validate the inventory before any write
  radiant.aws_onboarding.inventory_preflight:
    regions: "{{ radiant_regions }}"
    company_name: "{{ radiant_company_name }}"
    bucket_names:
      radiant_findings_bucket_name: "{{ radiant_findings_bucket_name }}"
    external_id: "{{ radiant_external_id }}"
  run_once: true
"""

RETURN = r"""
problems:
  description: Every problem found, one line each (empty when the inventory is valid).
  returned: always
  type: list
  elements: str
accounts:
  description: The number of hosts validated.
  returned: always
  type: int
management_account_id:
  description: The management account id.
  returned: when it could be determined
  type: str
log_account_id:
  description: The log/security account id.
  returned: when it could be determined
  type: str
guardduty_admin_account_id:
  description: The GuardDuty delegated administrator account id.
  returned: when it could be determined
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.inventory_validation import preflight_argument_spec


def main():
    # The work happens in the action plugin of the same name, on the controller.
    module = AnsibleModule(argument_spec=preflight_argument_spec(), supports_check_mode=True)
    module.fail_json(msg="inventory_preflight runs as an action plugin on the controller")


if __name__ == "__main__":
    main()
