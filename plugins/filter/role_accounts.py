# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The accounts a batch module reaches through a role, from their inventory hosts: one definition every phase shares."""

from ansible_collections.radiant.aws_onboarding.plugins.filter.account_hosts import account_hosts
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import arns

DOCUMENTATION = r"""
name: role_accounts
short_description: The O(accounts) option of a batch module, for inventory hosts reached through a role
version_added: 0.1.0
description:
  - Returns one C({account_id, role_arn}) per account of O(account_ids), then per host of O(hosts) that names an
    C(aws_account_id), in order, each account once, leaving out O(excluded_account_ids). C(role_arn) is the role the
    batch module assumes in the account with the management account's credentials - the account's host's own
    C(radiant_assume_role_name) when the inventory sets one, else O(role_name) - in O(partition).
  - O(own_account_id) gets no C(role_arn), since the module reaches it with the credentials it runs with.
  - The accounts outside the organization are reached this way, so their hosts need no credentials of their own and
    no task runs per account (docs/credentials.md).
options:
  _input:
    description: C(hostvars).
    type: dict
    required: true
  hosts:
    description: The hosts of the accounts, for example C(groups['outside_accounts']).
    type: list
    elements: str
    required: true
  partition:
    description: The partition of the ARNs, C(radiant_partition).
    type: str
    required: true
  role_name:
    description: The role to assume where the host does not name its own, C(radiant_assume_role_name).
    type: str
    required: true
  excluded_account_ids:
    description: Accounts to leave out.
    type: list
    elements: str
    default: []
  account_ids:
    description:
      - Accounts given by id, for example the organization's members read from Organizations. The host of each, where
        the inventory has one, may name its own role; O(groups) is then required.
    type: list
    elements: str
    default: []
  groups:
    description: C(groups), to find the hosts of O(account_ids).
    type: dict
  prefer_groups:
    description: Groups searched first for the hosts of O(account_ids) (see the C(account_hosts) filter).
    type: list
    elements: str
    default: []
  own_account_id:
    description: The account the module's own credentials belong to (the management account), listed without a role.
    type: str
author:
  - Radiant Security onboarding engineers
"""

EXAMPLES = r"""
- name: Accept the invitation in every account outside the organization, in one task
  radiant.aws_onboarding.guardduty_invitation:
    administrator_account_id: "{{ radiant_guardduty_admin_account_id }}"
    regions: "{{ radiant_regions }}"
    accounts: >-
      {{ hostvars | radiant.aws_onboarding.role_accounts(groups['outside_accounts'] | default([]),
                                                          radiant_partition, radiant_assume_role_name) }}

- name: Every active member of the organization and every outside account; the management account as itself
  ansible.builtin.set_fact:
    accounts: >-
      {{ hostvars | radiant.aws_onboarding.role_accounts(groups['outside_accounts'] | default([]), radiant_partition,
           radiant_assume_role_name, account_ids=member_ids, groups=groups, prefer_groups=radiant_credential_groups,
           own_account_id=radiant_management_account_id) }}
"""

RETURN = r"""
_value:
  description: One dictionary per account with C(account_id) and C(role_arn), as the O(accounts) option takes it.
  type: list
  elements: dict
"""


def role_accounts(hostvars, hosts, partition, role_name, excluded_account_ids=None, account_ids=None, groups=None,
                  prefer_groups=None, own_account_id=None):
    wanted = [str(account_id) for account_id in account_ids or [] if str(account_id)]
    host_of = account_hosts(hostvars, groups or {}, wanted, prefer_groups) if wanted else {}
    pairs = [(account_id, host_of.get(account_id)) for account_id in wanted]
    pairs += [(str(hostvars[host].get("aws_account_id") or ""), host) for host in hosts or []]
    excluded = set(str(account_id) for account_id in excluded_account_ids or [])
    own = str(own_account_id or "")
    accounts, seen = [], set()
    for account_id, host in pairs:
        if not account_id or account_id in excluded or account_id in seen:
            continue
        seen.add(account_id)
        if account_id == own:
            accounts.append({"account_id": account_id})
            continue
        own_role = hostvars[host].get("radiant_assume_role_name") if host else None
        role = "role/" + (own_role or role_name)
        accounts.append({"account_id": account_id, "role_arn": arns.arn(partition, "iam", "", account_id, role)})
    return accounts


class FilterModule(object):
    def filters(self):
        return {"role_accounts": role_accounts}
