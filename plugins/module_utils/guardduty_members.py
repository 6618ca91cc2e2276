# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GuardDuty membership from the administrator's side: plan, then apply in batches of 50.

Organization accounts become members with CreateMembers alone (the delegated administrator
associates them); accounts outside the organization are created, then invited, and become
Enabled when they accept (user guide, "Managing GuardDuty accounts by invitation").
Every UnprocessedAccounts entry is collected and reported; nothing is swallowed.
"""

import json
import re

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import WaitTimeout, batched, wait_for
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    DEFAULT_WAIT_DELAY,
    GuardDutyError,
    explain,
    list_members,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    features_from_api,
    features_to_api,
    plan_features,
    split_exclusive,
)

ENABLED = "Enabled"
INVITED = "Invited"
CREATED = "Created"
# A member record that no longer links the accounts: CreateMembers (organization accounts)
# or InviteMembers (others) brings it back (API reference, Member.RelationshipStatus).
DETACHED = ("Removed", "Resigned")
# Verification failed: the email must be fixed, so the member is deleted and created again.
EMAIL_FAILED = "EmailVerificationFailed"


def desired_accounts(accounts):
    """account id -> {"email", "invite"}; an account listed twice is an error."""
    result = {}
    for account in accounts or []:
        account_id = str(account["account_id"])
        if account_id in result:
            raise GuardDutyError("Account {0} is listed twice in accounts; list each account once.".format(account_id))
        result[account_id] = {"email": account.get("email"), "invite": bool(account.get("invite"))}
    return result


def plan_membership(current, desired, state="present", purge=False):
    """What to do, from ListMembers' records (by account id) and the desired accounts.

    Returns a dict of lists: ``create`` (account ids for CreateMembers), ``invite``
    (InviteMembers), ``recreate`` (delete then create and invite: the email changed before
    the account accepted), ``remove`` (DisassociateMembers then DeleteMembers) and
    ``pending`` (invited, waiting for the account to accept: nothing to do).
    """
    plan = {"create": [], "invite": [], "recreate": [], "remove": [], "pending": []}
    if state == "absent":
        plan["remove"] = sorted(account_id for account_id in desired if account_id in current)
        return plan
    for account_id in sorted(desired):
        wanted = desired[account_id]
        member = current.get(account_id)
        status = member["RelationshipStatus"] if member else None
        if member is None:
            plan["create"].append(account_id)
            if wanted["invite"]:
                plan["invite"].append(account_id)
        elif not wanted["invite"]:
            if status in DETACHED:
                plan["create"].append(account_id)
        elif status == ENABLED:
            continue
        elif status == EMAIL_FAILED or (
            wanted["email"] and member.get("Email", "").lower() != wanted["email"].lower() and status != ENABLED
        ):
            plan["recreate"].append(account_id)
        elif status == INVITED:
            plan["pending"].append(account_id)
        else:  # Created, Removed, Resigned: (re-)invite
            plan["invite"].append(account_id)
    if purge:
        plan["remove"] = sorted(account_id for account_id in current if account_id not in desired)
    return plan


def plan_is_empty(plan):
    return not (plan["create"] or plan["invite"] or plan["recreate"] or plan["remove"])


def predicted_statuses(current, desired, plan):
    """account id -> relationship status after the plan (for check mode and diffs)."""
    statuses = {account_id: member["RelationshipStatus"] for account_id, member in current.items()}
    for account_id in plan["create"]:
        statuses[account_id] = CREATED if desired[account_id]["invite"] else ENABLED
    for account_id in plan["invite"] + plan["recreate"]:
        statuses[account_id] = INVITED
    for account_id in plan["remove"]:
        statuses.pop(account_id, None)
    return statuses


# Organization auto-enable enrols existing accounts over time ("It may take up to 24 hours",
# API reference, UpdateOrganizationConfiguration); an account being enrolled is not listed yet
# and CreateMembers answers it with this Result. Not a failure: it is becoming a member.
BEING_ASSOCIATED = re.compile(r"already a member or associated member", re.IGNORECASE)


class MemberManager:
    """Applies a plan with one administrator detector, collecting UnprocessedAccounts."""

    def __init__(self, client, detector_id, region):
        self.client = client
        self.detector_id = detector_id
        self.region = region
        self.unprocessed = []  # {"account_id", "operation", "result"}
        self.done = {"created": [], "invited": [], "removed": [], "features_updated": []}
        # Organization accounts that auto-enable is associating (see BEING_ASSOCIATED).
        self.associating = []

    @property
    def context(self):
        return {"region": self.region, "detector_id": self.detector_id}

    def _batch_call(self, operation, method, ids, action, record=True, done_key=None, **params):
        """Call ``method`` once per batch of 50; returns (processed ids, unprocessed entries).

        Unprocessed entries are also recorded for the final report unless ``record`` is false;
        processed ids go to ``self.done[done_key]`` batch by batch, so a later failing batch
        still reports what was applied.
        """
        processed = []
        unprocessed = []
        for batch in batched(ids):
            try:
                if operation == "CreateMembers":
                    response = method(DetectorId=self.detector_id, AccountDetails=batch, aws_retry=True, **params)
                    batch_ids = [detail["AccountId"] for detail in batch]
                else:
                    response = method(DetectorId=self.detector_id, AccountIds=batch, aws_retry=True, **params)
                    batch_ids = list(batch)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                error = explain(e, action, self.context)
                error.details.update(self.progress())
                raise error from e
            failed = set()
            for entry in response.get("UnprocessedAccounts") or []:
                failed.add(entry["AccountId"])
                unprocessed.append(
                    {"account_id": entry["AccountId"], "operation": operation, "result": entry.get("Result", "")}
                )
            batch_processed = [account_id for account_id in batch_ids if account_id not in failed]
            processed.extend(batch_processed)
            if done_key:
                self.done[done_key].extend(batch_processed)
        if record:
            self.unprocessed.extend(unprocessed)
        return processed, unprocessed

    def progress(self):
        return {key: list(value) for key, value in self.done.items()}

    def create(self, account_ids, desired):
        missing = [account_id for account_id in account_ids if not desired[account_id]["email"]]
        if missing:
            raise GuardDutyError(
                "CreateMembers needs each account's email address: give 'email' for {0}.".format(", ".join(missing))
            )
        details = [{"AccountId": account_id, "Email": desired[account_id]["email"]} for account_id in account_ids]
        created, unprocessed = self._batch_call(
            "CreateMembers", self.client.create_members, details,
            "create GuardDuty members in {0}".format(self.region), record=False, done_key="created",
        )
        for entry in unprocessed:
            if not desired[entry["account_id"]]["invite"] and BEING_ASSOCIATED.search(entry["result"] or ""):
                self.associating.append(entry["account_id"])
            else:
                self.unprocessed.append(entry)
        return created

    def wait_associated(self, timeout):
        """Bounded wait for the accounts auto-enable is associating; returns those still not Enabled.

        They are reported, not failed: GuardDuty finishes them on its own and a re-run sees them."""
        if not self.associating or timeout <= 0:
            return sorted(self.associating)
        try:
            wait_for(
                lambda: self.get_members(self.associating),
                lambda found: all(found.get(a, {}).get("RelationshipStatus") == ENABLED for a in self.associating),
                timeout=timeout,
                delay=DEFAULT_WAIT_DELAY,
                description="organization auto-enable to associate members in {0}".format(self.region),
            )
        except WaitTimeout as e:
            return sorted(a for a in self.associating
                          if (e.last or {}).get(a, {}).get("RelationshipStatus") != ENABLED)
        return []

    def invite(self, account_ids, message=None, disable_email_notification=False):
        params = {"DisableEmailNotification": bool(disable_email_notification)}
        if message:
            params["Message"] = message
        invited, _unprocessed = self._batch_call(
            "InviteMembers", self.client.invite_members, account_ids,
            "invite GuardDuty members in {0}".format(self.region), done_key="invited", **params
        )
        return invited

    def remove(self, account_ids):
        """Disassociate, then delete. Disassociating a member that is not associated
        (Created, Removed) is only worth reporting when the deletion fails too."""
        _disassociated, not_disassociated = self._batch_call(
            "DisassociateMembers", self.client.disassociate_members, account_ids,
            "disassociate GuardDuty members in {0}".format(self.region), record=False,
        )
        deleted, _unprocessed = self._batch_call(
            "DeleteMembers", self.client.delete_members, account_ids,
            "delete GuardDuty members in {0}".format(self.region), done_key="removed",
        )
        self.unprocessed.extend(entry for entry in not_disassociated if entry["account_id"] not in deleted)
        return deleted

    def members(self):
        """Every member record of the administrator (associated or not), by account id."""
        try:
            return {member["AccountId"]: member for member in list_members(self.client, self.detector_id)}
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise explain(e, "list the GuardDuty members in {0}".format(self.region), self.context) from e

    def get_members(self, account_ids):
        found = {}
        for batch in batched(account_ids):
            try:
                response = self.client.get_members(DetectorId=self.detector_id, AccountIds=batch, aws_retry=True)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                raise explain(e, "read GuardDuty members in {0}".format(self.region), self.context) from e
            for member in response.get("Members") or []:
                found[member["AccountId"]] = member
        return found

    def wait_enabled(self, account_ids, timeout):
        """Bounded wait until the organization accounts just added report Enabled."""
        if not account_ids or timeout <= 0:
            return
        try:
            wait_for(
                lambda: self.get_members(account_ids),
                lambda found: all(found.get(a, {}).get("RelationshipStatus") == ENABLED for a in account_ids),
                timeout=timeout,
                delay=DEFAULT_WAIT_DELAY,
                description="new members to be Enabled in {0}".format(self.region),
            )
        except WaitTimeout as e:
            stuck = sorted(
                "{0} ({1})".format(a, (e.last or {}).get(a, {}).get("RelationshipStatus", "missing"))
                for a in account_ids
                if (e.last or {}).get(a, {}).get("RelationshipStatus") != ENABLED
            )
            error = GuardDutyError(
                "Timed out after {0} s waiting for {1} new organization member(s) to be Enabled in {2}: {3}. "
                "Accounts outside this administrator's organization stay Created: list them with invite: true."
                .format(timeout, len(stuck), self.region, ", ".join(stuck[:20]) + (" ..." if len(stuck) > 20 else ""))
            )
            error.details.update(self.progress())
            raise error from e

    def member_features(self, account_ids):
        """account id -> normalised features, from GetMemberDetectors in batches of 50."""
        result = {}
        for batch in batched(account_ids):
            try:
                response = self.client.get_member_detectors(
                    DetectorId=self.detector_id, AccountIds=batch, aws_retry=True
                )
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                raise explain(e, "read the members' protection plans in {0}".format(self.region), self.context) from e
            for configuration in response.get("MemberDataSourceConfigurations") or []:
                result[configuration["AccountId"]] = features_from_api(configuration.get("Features"))
            for entry in response.get("UnprocessedAccounts") or []:
                self.unprocessed.append(
                    {"account_id": entry["AccountId"], "operation": "GetMemberDetectors", "result": entry.get("Result")}
                )
        return result

    def update_features(self, changes_by_account):
        """UpdateMemberDetectors once per distinct change, in batches of 50."""
        groups = {}
        for account_id, changes in sorted(changes_by_account.items()):
            for features_request in split_exclusive(changes):
                key = json.dumps(features_to_api(features_request), sort_keys=True)
                groups.setdefault(key, []).append(account_id)
        for key, account_ids in sorted(groups.items()):
            self._batch_call(
                "UpdateMemberDetectors", self.client.update_member_detectors, account_ids,
                "update the members' protection plans in {0}".format(self.region), done_key="features_updated",
                Features=json.loads(key),
            )


def plan_member_features(current_by_account, desired, purge=False):
    """account id -> feature changes, for the members whose plans differ."""
    changes = {}
    for account_id, current in current_by_account.items():
        account_changes, _after = plan_features(current, desired, purge=purge)
        if account_changes:
            changes[account_id] = account_changes
    return changes


def member_result(member):
    """The documented snake_case view of one member record."""
    return {
        "account_id": member.get("AccountId"),
        "email": member.get("Email"),
        "relationship_status": member.get("RelationshipStatus"),
        "administrator_id": member.get("AdministratorId") or member.get("MasterId"),
        "detector_id": member.get("DetectorId"),
        "invited_at": member.get("InvitedAt"),
        "updated_at": member.get("UpdatedAt"),
    }
