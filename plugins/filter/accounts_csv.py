# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The accounts CSV Radiant's AWS API credential takes, in AWS Organizations' export format."""

DOCUMENTATION = r"""
name: accounts_csv
short_description: The account list CSV for Radiant's AWS API credential, in AWS Organizations' export format
version_added: 0.1.0
description:
  - Radiant's AWS API credential takes a C(.csv) of the account ids its API role can be assumed in, as the console of
    AWS Organizations exports it ("Export details for all accounts in AWS Organizations" in the AWS Organizations User
    Guide) - the columns C(Account ID), C(ARN), C(Email), C(Name), C(State), C(Joined method) and C(Joined timestamp).
  - One row per account given, in the order given, with what the inventory knows of it (C(aws_account_name),
    C(aws_account_email), C(aws_account_status)); the ARN of an organization account is built from the organization
    id and the management account; an account outside the organization (group C(outside_accounts)) has no ARN nor
    State. The join method and time are not in the inventory and stay empty.
options:
  _input:
    description: The account ids, in order.
    type: list
    elements: str
    required: true
  hostvars:
    description: C(hostvars).
    type: dict
    required: true
  groups:
    description: C(groups).
    type: dict
    required: true
  organization_id:
    description: The organization's id (C(radiant_organization_id)); without it the ARN column stays empty.
    type: str
  management_account_id:
    description: The management account, part of the organization account ARNs.
    type: str
  partition:
    description: The partition of the account ARNs (C(radiant_partition)).
    type: str
    default: aws
author:
  - Radiant Security onboarding contributors (@radiant-security)
"""

EXAMPLES = r"""
- name: Write the accounts CSV
  ansible.builtin.copy:
    content: "{{ account_ids | radiant.aws_onboarding.accounts_csv(hostvars, groups, 'o-abc123', '123456789012') }}"
    dest: radiant-accounts.csv
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The CSV text, a header line then one line per account, lines ended by CRLF as RFC 4180 says.
  type: str
"""

import csv
import io

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import arns
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.inventory_validation import (
    LOG_GROUP,
    MANAGEMENT_GROUP,
    MEMBERS_GROUP,
    OUTSIDE_GROUP,
    SUSPENDED_GROUP,
)

COLUMNS = ("Account ID", "ARN", "Email", "Name", "State", "Joined method", "Joined timestamp")
# Where the inventory keeps the organization's accounts (the collection's static and dynamic inventories).
ORGANIZATION_GROUPS = (MANAGEMENT_GROUP, LOG_GROUP, MEMBERS_GROUP, SUSPENDED_GROUP)


def accounts_csv(account_ids, hostvars, groups, organization_id="", management_account_id="", partition="aws"):
    known = {}
    for group in ORGANIZATION_GROUPS + (OUTSIDE_GROUP,):
        for host in (groups or {}).get(group) or []:
            variables = hostvars[host] if host in hostvars else {}
            account_id = str(variables.get("aws_account_id") or "")
            if account_id and account_id not in known:
                known[account_id] = (group, variables)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for account_id in (str(account) for account in account_ids or []):
        group, variables = known.get(account_id, ("", {}))
        inside = group in ORGANIZATION_GROUPS
        arn = (arns.arn(partition, "organizations", "", management_account_id,
                        "account/{0}/{1}".format(organization_id, account_id))
               if inside and organization_id and management_account_id else "")
        state = (variables.get("aws_account_status") or "ACTIVE") if inside else ""
        writer.writerow((account_id, arn, variables.get("aws_account_email") or "",
                         variables.get("aws_account_name") or "", state, "", ""))
    return out.getvalue()


class FilterModule(object):
    def filters(self):
        return {"accounts_csv": accounts_csv}
