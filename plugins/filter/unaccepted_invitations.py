# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which accounts outside the organization still have an invitation to accept, and where."""

DOCUMENTATION = r"""
name: unaccepted_invitations
short_description: The outside accounts and Regions where the administrator does not list the member Enabled
version_added: 0.1.0
description:
  - Reads the administrator's side of each membership, from the O(_input) Regions of a
    M(radiant.aws_onboarding.guardduty_organization) result, and returns the accounts of O(accounts) and the
    Regions where an account still has to act (create its detector, accept the invitation).
  - It reads each Region's C(members.not_enabled), the members the module manages that are not C(Enabled) (the
    accounts of O(accounts) among them), and falls back to the C(members.members) list without it.
  - A member the administrator lists as C(Enabled) has accepted and has its detector - GuardDuty refuses to delete the
    detector of an associated member, and a member that leaves is listed C(Resigned) (docs/emulator-fidelity.md,
    GuardDuty). Those pairs need no call in the member account, so a re-run where every member is Enabled asks
    none of them.
  - A Region that is not C(ready) (in check mode, the delegation or the administrator's detector is still to be made)
    is left out, there is nothing to accept there yet; a ready Region whose members step did not report (it failed)
    counts every account as unaccepted there, so that nothing is skipped on a guess.
options:
  _input:
    description: The C(regions) of a M(radiant.aws_onboarding.guardduty_organization) result, keyed by Region.
    type: dict
    required: true
  accounts:
    description: The accounts outside the organization, dictionaries with at least C(account_id).
    type: list
    elements: dict
    required: true
author:
  - Radiant Security onboarding engineers
"""

EXAMPLES = r"""
- name: Accept the administrator's invitation where the administrator does not list the member Enabled
  vars:
    pending: "{{ setup.regions | radiant.aws_onboarding.unaccepted_invitations(outside_accounts) }}"
  when: pending.accounts | length > 0
  radiant.aws_onboarding.guardduty_invitation:
    regions: "{{ pending.regions }}"
    accounts: "{{ pending.accounts }}"
    administrator_account_id: "123456789012"
"""

RETURN = r"""
_value:
  description:
    - C(accounts), the accounts of O(accounts) (in their order) not Enabled in at least one ready Region;
      C(regions), the ready Regions (in their order) where at least one of them is not Enabled.
    - The module acts on every account of C(accounts) in every Region of C(regions), a superset of the pairs that need
      it; the pairs it adds are read and left as they are.
  type: dict
"""

ENABLED = "Enabled"


def unaccepted_invitations(regions, accounts):
    wanted = [str(account["account_id"]) for account in accounts]
    pending_accounts, pending_regions = set(), []
    for region, setup in (regions or {}).items():
        if not (setup or {}).get("ready"):
            continue
        report = setup.get("members") or {}
        not_enabled = report.get("not_enabled")
        members = report.get("members")
        if not_enabled is not None:
            # The short list: reading every member of a 1,000-account organization in 17 Regions
            # through Ansible's templating took a second.
            unaccepted = set(wanted) & set(str(account_id) for account_id in not_enabled)
        elif members is None:
            unaccepted = set(wanted)
        else:
            enabled = set(str(member.get("account_id")) for member in members
                          if member.get("relationship_status") == ENABLED)
            unaccepted = set(account_id for account_id in wanted if account_id not in enabled)
        if unaccepted:
            pending_regions.append(region)
            pending_accounts.update(unaccepted)
    return {
        "accounts": [account for account in accounts if str(account["account_id"]) in pending_accounts],
        "regions": pending_regions,
    }


class FilterModule(object):
    def filters(self):
        return {"unaccepted_invitations": unaccepted_invitations}
