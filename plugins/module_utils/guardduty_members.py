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

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import (
    WaitTimeout,
    batched,
    diff_of,
    wait_for,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    DEFAULT_WAIT_DELAY,
    GuardDutyError,
    explain,
    list_members,
    require_detector_id,
    unprocessed_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    features_for_diff,
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


def run_members(module, client, region, features, params=None):
    """The guardduty_members module in one Region: the result, or GuardDutyError carrying it when
    something is left to fix (module_utils/guardduty_regions.py runs it in each Region). ``params``
    are guardduty_members' options (default: the module's own)."""
    params = module.params if params is None else params
    state = params["state"]
    desired = desired_accounts(params["accounts"])
    detector_id = require_detector_id(client, region, "managing GuardDuty members")
    manager = MemberManager(client, detector_id, region)

    current = manager.members()
    plan = plan_membership(current, desired, state=state, purge=params["purge_members"])
    before = {account_id: member["RelationshipStatus"] for account_id, member in current.items()
              if account_id in desired or account_id in plan["remove"]}
    changed = not plan_is_empty(plan)

    if module.check_mode:
        final_statuses = predicted_statuses(current, desired, plan)
        final = {}
        for account_id, status in final_statuses.items():
            record = dict(current.get(account_id) or {"AccountId": account_id, "Email": desired[account_id]["email"]})
            record["RelationshipStatus"] = status
            final[account_id] = record
    else:
        if plan["recreate"]:
            manager.remove(plan["recreate"])
        to_create = plan["create"] + plan["recreate"]
        created = manager.create(to_create, desired) if to_create else []
        to_invite = [a for a in plan["invite"] + plan["recreate"]
                     if a in created or a not in to_create]
        if to_invite:
            manager.invite(to_invite, params["invitation_message"], params["disable_email_notification"])
        if plan["remove"]:
            manager.remove(plan["remove"])
        if params["wait"] and state == "present":
            manager.wait_enabled([a for a in created if not desired[a]["invite"]], params["wait_timeout"])
        still_associating = manager.wait_associated(params["wait_timeout"] if params["wait"] else 0)
        if still_associating:
            module.warn(
                "Organization auto-enable is still associating {0} account(s) in {1}: {2}. GuardDuty finishes "
                "this on its own (it can take up to 24 hours); run again later to give them their protection "
                "plans.".format(len(still_associating), region, ", ".join(still_associating[:20])
                                + (" ..." if len(still_associating) > 20 else ""))
            )
        final = manager.members() if changed else current

    # Protection plans of the listed members that are Enabled.
    features_pending = []
    feature_before, feature_after = {}, {}
    if state == "present" and (features or params["purge_features"]):
        enabled = sorted(a for a in desired if final.get(a, {}).get("RelationshipStatus") == ENABLED
                         and (not module.check_mode or current.get(a, {}).get("RelationshipStatus") == ENABLED))
        features_pending = sorted(a for a in desired if a not in enabled)
        current_features = manager.member_features(enabled) if enabled else {}
        feature_changes = plan_member_features(current_features, features, purge=params["purge_features"])
        for account_id, account_changes in feature_changes.items():
            feature_before[account_id] = features_for_diff(
                {name: current_features[account_id].get(name, {"value": None, "additional": {}})
                 for name in account_changes})
            feature_after[account_id] = features_for_diff(account_changes)
        if feature_changes:
            changed = True
            if not module.check_mode:
                manager.update_features(feature_changes)
            else:
                manager.done["features_updated"] = sorted(feature_changes)

    if module.check_mode:
        manager.done["created"] = list(plan["create"] + plan["recreate"])
        manager.done["invited"] = list(plan["invite"] + plan["recreate"])
        manager.done["removed"] = list(plan["remove"])

    # One record per member unless the caller needs only the summary (guardduty_organization's
    # member_details=false: 17 Regions of 1,000 records were 4.5 MB to return, parse and template).
    members = ([member_result(final[a]) for a in sorted(desired) if a in final]
               if params.get("member_details", True) else None)
    after = {account_id: final[account_id]["RelationshipStatus"] for account_id in before.keys() | desired.keys()
             if account_id in final}
    result = dict(
        changed=changed,
        detector_id=detector_id,
        pending=sorted(a for a in desired if final.get(a, {}).get("RelationshipStatus") == "Invited"),
        features_pending=features_pending,
        not_enabled=sorted(a for a in desired if final.get(a, {}).get("RelationshipStatus") != ENABLED),
        associating=sorted(a for a in manager.associating if final.get(a, {}).get("RelationshipStatus") != ENABLED),
        unprocessed_accounts=manager.unprocessed,
        **manager.progress()
    )
    if members is not None:
        result["members"] = members
    if module._diff:
        result["diff"] = diff_of(
            {"relationship_status": before, "member_features": feature_before},
            {"relationship_status": after, "member_features": feature_after},
        )

    problems = []
    if manager.unprocessed:
        problems.append(unprocessed_message(manager.unprocessed, "manage GuardDuty members", {"region": region}))
    not_associated = sorted(a for a in desired if state == "present" and not desired[a]["invite"]
                            and final.get(a, {}).get("RelationshipStatus") == CREATED)
    email_failed = sorted(a for a in desired if state == "present"
                          and final.get(a, {}).get("RelationshipStatus") == EMAIL_FAILED)
    if email_failed and not module.check_mode:
        problems.append(
            "GuardDuty could not verify the email of {0} (EmailVerificationFailed): the address must be the account's "
            "root user email. Fix 'email' and run again; the module then deletes and re-creates the member and "
            "invites it again.".format(", ".join(
                "{0} ({1})".format(a, final[a].get("Email")) for a in email_failed))
        )
    if not_associated and not module.check_mode:
        problems.append(
            "Account(s) {0} were created but not associated: they are not organization accounts of this delegated "
            "administrator. Set invite: true for accounts outside the organization.".format(", ".join(not_associated))
        )
    if problems:
        raise GuardDutyError(" ".join(problems), **result)
    return result
