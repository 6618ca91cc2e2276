# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The administrator's invitation, accepted in every account outside the organization and every Region, in one task.

An account outside the organization joins GuardDuty by invitation and must accept it with its
own credentials, in each Region. Instead of one Ansible task per account and Region, each
with credentials handed over by the inventory, the module opens each account's role session
itself (ONE sts:AssumeRole per account, with the management account's credentials, through
guardduty_member_destinations.AccountClients) and works on the account-Region pairs
concurrently, bounded. Credentials stay inside the module: they are never returned.
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import for_each_account_region
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import GuardDutyError
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization import (
    administrator_result,
    ensure_invitation,
    invitations_result,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_regions import (
    DEFAULT_MAX_WORKERS,
    failure_text,
)


def invitation_entry(account_id, region, outcome=None, error=None, with_diff=False):
    """One account-Region pair as the module returns it (the single-Region result, plus where and error)."""
    outcome = outcome or {}
    entry = {
        "account_id": account_id,
        "region": region,
        "changed": bool(outcome.get("changed")),
        "detector_id": outcome.get("detector_id"),
        "detector_created": bool(outcome.get("detector_created")),
        "administrator": administrator_result(outcome.get("administrator")),
        "invitations": invitations_result(outcome.get("invitations") or []),
        "error": error,
    }
    if with_diff and outcome:
        entry["diff"] = diff_of(outcome["before"], outcome["after"])
    return entry


def converge_invitations(clients, accounts, regions, administrator_id, state="accepted", check_mode=False,
                         max_workers=DEFAULT_MAX_WORKERS, with_diff=False):
    """Every account of ``accounts`` (dicts with account_id and role_arn), in every Region of ``regions``.

    ``clients`` is an account_sessions.AccountSessions. Roles are assumed first, concurrently; then the pairs run
    concurrently. A role that cannot be assumed fails that account's pairs, one message; a pair
    that fails does not stop the others. Returns changed, memberships (one entry per pair, in
    account then Region order), errors and the diff of the pairs that change, keyed
    "<account>/<region>".
    """
    def one(credentials, account_id, region):
        try:
            outcome = ensure_invitation(clients.guardduty(credentials, region), region, administrator_id,
                                        state=state, check_mode=check_mode)
        except (GuardDutyError, botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            entry = invitation_entry(account_id, region, error="account {0}, {1}: {2}".format(
                account_id, region, failure_text(e)))
            # What was done before the failure (a detector created to accept with) is still reported.
            details = e.details if isinstance(e, GuardDutyError) else {}
            kept = ("changed", "detector_id", "detector_created", "administrator", "invitations")
            entry.update((key, details[key]) for key in kept if key in details)
            return entry
        return invitation_entry(account_id, region, outcome, with_diff=with_diff)

    def failed(account_id, region, message):
        return invitation_entry(account_id, region, error=message)

    memberships = for_each_account_region(clients, accounts, regions, one, failed, max_workers)
    before, after = {}, {}
    for entry in memberships:
        if entry["changed"] and "diff" in entry:
            where = "{0}/{1}".format(entry["account_id"], entry["region"])
            before[where], after[where] = entry["diff"]["before"], entry["diff"]["after"]
    return {
        "changed": any(entry["changed"] for entry in memberships),
        "memberships": memberships,
        # A role that cannot be assumed fails every Region of its account with one message: say it once.
        "errors": list(dict.fromkeys(entry["error"] for entry in memberships if entry["error"])),
        "diff": diff_of(before, after),
    }
