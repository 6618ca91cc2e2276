# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which hosts a run needs but leaves out: the check that keeps --limit and job slicing safe."""

DOCUMENTATION = r"""
name: run_host_problems
short_description: The accounts a run needs whose host is missing from the inventory or from the run
version_added: 0.1.0
description:
  - Every phase acts in some accounts with the credentials of their inventory host (the management, log and
    GuardDuty administrator accounts, the accounts outside the organization). A run whose inventory, C(--limit)
    or AWX job slice leaves such a host out would act with no credentials for it, or with another account's.
  - Returns one problem per missing group, account or host, each with every reason it is needed; an empty list
    when the run holds them all.
options:
  _input:
    description: C(hostvars).
    type: dict
    required: true
  groups:
    description: C(groups), the inventory's groups and their hosts.
    type: dict
    required: true
  run_hosts:
    description: The hosts this run gives credentials to (the credential play's hosts, after C(--limit)).
    type: list
    elements: str
    required: true
  needs:
    description:
      - The accounts the run needs, each a dictionary with C(account_id) (empty when the setting that names it
        found no host), C(group) (the inventory group that holds its host), C(setting) (the variable that names
        the account) and C(why) (what needs its credentials).
    type: list
    elements: dict
    required: true
  prefer_groups:
    description: Groups searched first for an account's host (see P(radiant.aws_onboarding.account_hosts#filter)).
    type: list
    elements: str
    default: []
author:
  - Radiant Security onboarding engineers
"""

EXAMPLES = r"""
- name: Stop when the log account's host is not in this run
  ansible.builtin.fail:
    msg: "{{ problems | join('; ') }}"
  when: problems | length > 0
  vars:
    problems: >-
      {{ hostvars | radiant.aws_onboarding.run_host_problems(groups, ansible_play_hosts_all,
           [{'account_id': radiant_log_account_id, 'group': 'log_account', 'setting': 'radiant_log_account_id',
             'why': 'org_trail writes the CloudTrail bucket there'}]) }}
"""

RETURN = r"""
_value:
  description: One sentence per missing group, account or host, naming it and why the run needs it.
  type: list
  elements: str
"""

from ansible_collections.radiant.aws_onboarding.plugins.filter.account_hosts import account_hosts


def _host_groups(groups, host):
    return [name for name, members in sorted(groups.items())
            if name not in ("all", "ungrouped") and host in members]


def run_host_problems(hostvars, groups, run_hosts, needs, prefer_groups=None):
    run_hosts = set(run_hosts or [])
    problems = {}  # problem -> reasons, in the order found

    def add(problem, why):
        reasons = problems.setdefault(problem, [])
        if why and why not in reasons:
            reasons.append(why)

    for need in needs:
        account_id = str(need.get("account_id") or "")
        group = need.get("group") or ""
        why = need.get("why") or ""
        if not account_id:
            add("inventory group %s has no host with an aws_account_id (the group is missing or empty: an incomplete "
                "inventory, or an AWX job slice that holds other hosts)" % group, why)
            continue
        host = account_hosts(hostvars, groups, [account_id],
                             prefer_groups=[group] + list(prefer_groups or [])).get(account_id)
        if host is None:
            add("account %s (%s) has no host in the inventory (an incomplete inventory, or an AWX job slice that "
                "holds other hosts)" % (account_id, need.get("setting") or "group " + group), why)
        elif host not in run_hosts:
            add("host %s (account %s, group %s) is not in this run (--limit, radiant_role_hosts or an AWX job slice "
                "leaves it out)" % (host, account_id, ", ".join(_host_groups(groups, host)) or "ungrouped"), why)
    return ["%s: %s" % (problem, "; ".join(reasons)) if reasons else problem for problem, reasons in problems.items()]


class FilterModule(object):
    def filters(self):
        return {"run_host_problems": run_host_problems}
