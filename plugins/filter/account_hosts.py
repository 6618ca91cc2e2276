# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which inventory host stands for each AWS account: one lookup every phase role shares."""

DOCUMENTATION = r"""
name: account_hosts
short_description: The inventory host of each AWS account, searching the acting groups first
version_added: 0.1.0
description:
  - Returns a dictionary from account id (a string) to the first inventory host whose C(aws_account_id) is that
    account.
  - The hosts of O(prefer_groups) are searched first - the radiant role's credential groups, a handful of hosts
    that can act. Every host of the inventory is read only when an account of O(account_ids) is not among them,
    because reading a host's variables costs milliseconds and an organization may have thousands of hosts.
options:
  _input:
    description: C(hostvars).
    type: dict
    required: true
  groups:
    description: C(groups), the inventory's groups and their hosts.
    type: dict
    required: true
  account_ids:
    description: The accounts whose hosts are needed; those without a host are left out of the result.
    type: list
    elements: str
    default: []
  prefer_groups:
    description: Groups searched before the whole inventory.
    type: list
    elements: str
    default: []
author:
  - Radiant Security onboarding engineers
"""

EXAMPLES = r"""
- name: Find the hosts of the management and log accounts
  ansible.builtin.set_fact:
    host_of: >-
      {{ hostvars | radiant.aws_onboarding.account_hosts(groups, [management_id, log_id],
                                                          prefer_groups=radiant_credential_groups) }}
"""

RETURN = r"""
_value:
  description: Account id to host name, for every account found (the preferred groups' hosts included).
  type: dict
"""


def _search(hostvars, hosts, found):
    for host in hosts:
        account_id = hostvars[host].get("aws_account_id")
        if account_id is not None and account_id != "":
            found.setdefault(str(account_id), host)


def account_hosts(hostvars, groups, account_ids=None, prefer_groups=None):
    found = {}
    preferred = []
    for group in prefer_groups or []:
        preferred.extend(host for host in groups.get(group, []) if host not in preferred)
    _search(hostvars, preferred, found)
    wanted = [str(account_id) for account_id in account_ids or [] if str(account_id)]
    if any(account_id not in found for account_id in wanted):
        searched = set(preferred)
        _search(hostvars, [host for host in groups.get("all", []) if host not in searched], found)
    return found


class FilterModule(object):
    def filters(self):
        return {"account_hosts": account_hosts}
