# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GuardDuty's administrator relationships: the organization's delegated administrator (from
the management account), the organization configuration (from the delegated administrator)
and invitations (from the member account, docs/requirements.md#guardduty-by-invitation)."""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    describe_organization_configuration,
    ensure_detector,
    explain,
    find_detector_id,
    list_invitations,
    list_organization_admin_accounts,
    require_detector_id,
    unprocessed_message,
    wait_or_explain,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    AUTO_ENABLE_NONE,
    features_for_diff,
    features_from_api,
    features_to_api,
    features_to_result,
    plan_features,
    split_exclusive,
)

ADMIN_ENABLED = "ENABLED"


def read_admin_accounts(client, region, account_id):
    try:
        return {a["AdminAccountId"]: a.get("AdminStatus") for a in list_organization_admin_accounts(client)}
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(
            e, "list the GuardDuty delegated administrators in {0}".format(region),
            {"region": region, "account_id": account_id},
        ) from e


def _admin_view(admins, account_id):
    status = admins.get(account_id)
    return {"admin_account_id": account_id if status else None, "admin_status": status}


def admin_accounts_result(admins):
    return [{"admin_account_id": k, "admin_status": v} for k, v in sorted(admins.items())]


def ensure_organization_admin(client, region, account_id, state="present", wait=True, wait_timeout=120,
                              check_mode=False):
    """Make ``account_id`` the region's delegated administrator, or remove it.

    Another administrator already in place is an error: switching silently would move
    every member to a different account.
    """
    context = {"region": region, "account_id": account_id}
    admins = read_admin_accounts(client, region, account_id)
    before = _admin_view(admins, account_id)
    if state == "present":
        others = sorted(other for other, status in admins.items() if other != account_id and status == ADMIN_ENABLED)
        if others:
            raise GuardDutyError(
                "Account {0} is already the GuardDuty delegated administrator of the organization in {1}; this module "
                "never switches administrators silently (every member would move). Remove it first with "
                "radiant.aws_onboarding.guardduty_organization_admin account_id={0} state=absent, then run again."
                .format(others[0], region),
                admin_accounts=admin_accounts_result(admins),
            )
        if admins.get(account_id) == ADMIN_ENABLED:
            return {"changed": False, "before": before, "after": before, "admins": admins}
        after = {"admin_account_id": account_id, "admin_status": ADMIN_ENABLED}
        if check_mode:
            return {"changed": True, "before": before, "after": after, "admins": admins}
        try:
            client.enable_organization_admin_account(AdminAccountId=account_id, aws_retry=True)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise explain(
                e, "make {0} the GuardDuty delegated administrator in {1}".format(account_id, region), context
            ) from e
        if wait:
            admins = wait_or_explain(
                lambda: read_admin_accounts(client, region, account_id),
                lambda found: found.get(account_id) == ADMIN_ENABLED,
                wait_timeout,
                "account {0} to be the ENABLED GuardDuty delegated administrator in {1}".format(account_id, region),
            )
        else:
            admins = read_admin_accounts(client, region, account_id)
        return {"changed": True, "before": before, "after": _admin_view(admins, account_id), "admins": admins}

    # absent
    if admins.get(account_id) != ADMIN_ENABLED:
        return {"changed": False, "before": before, "after": before, "admins": admins}
    after = {"admin_account_id": None, "admin_status": None}
    if check_mode:
        return {"changed": True, "before": before, "after": after, "admins": admins}
    try:
        client.disable_organization_admin_account(AdminAccountId=account_id, aws_retry=True)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(
            e, "remove {0} as GuardDuty delegated administrator in {1}".format(account_id, region), context
        ) from e
    if wait:
        admins = wait_or_explain(
            lambda: read_admin_accounts(client, region, account_id),
            lambda found: account_id not in found,
            wait_timeout,
            "account {0} to stop being the GuardDuty delegated administrator in {1}".format(account_id, region),
        )
    else:
        admins = read_admin_accounts(client, region, account_id)
    return {"changed": True, "before": before, "after": _admin_view(admins, account_id), "admins": admins}


def organization_admin_step_result(outcome, with_diff):
    """An ensure_organization_admin outcome as guardduty_organization_admin returns it for one Region."""
    result = dict(
        changed=outcome["changed"],
        admin_account_id=outcome["after"]["admin_account_id"],
        admin_status=outcome["after"]["admin_status"],
        admin_accounts=admin_accounts_result(outcome["admins"]),
    )
    if with_diff:
        result["diff"] = diff_of(outcome["before"], outcome["after"])
    return result


# --------------------------------------------------------------------------------------
# Organization configuration (auto-enable), from the delegated administrator.
# --------------------------------------------------------------------------------------
def organization_configuration_result(config):
    if config is None:
        return None
    return {
        "auto_enable_organization_members": config.get("AutoEnableOrganizationMembers"),
        "member_account_limit_reached": config.get("MemberAccountLimitReached"),
        "features": features_to_result(features_from_api(config.get("Features"), "AutoEnable"), "auto_enable"),
    }


def read_organization_configuration(client, detector_id, region):
    try:
        return describe_organization_configuration(client, detector_id)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(
            e, "read the GuardDuty organization configuration in {0}".format(region),
            {"region": region, "detector_id": detector_id},
        ) from e


def _config_view(auto_enable, features):
    return {"auto_enable_organization_members": auto_enable, "features": features_for_diff(features, "auto_enable")}


def ensure_organization_configuration(client, region, auto_enable=None, features=None, purge_features=False,
                                      check_mode=False):
    detector_id = require_detector_id(client, region, "the organization configuration")
    config = read_organization_configuration(client, detector_id, region)
    current_auto = config.get("AutoEnableOrganizationMembers")
    current_features = features_from_api(config.get("Features"), "AutoEnable")
    changes, predicted = plan_features(current_features, features or {}, purge=purge_features,
                                       off_value=AUTO_ENABLE_NONE)
    before = _config_view(current_auto, current_features)
    wanted_auto = auto_enable or current_auto
    if wanted_auto == current_auto and not changes:
        return {"changed": False, "before": before, "after": before, "detector_id": detector_id,
                "configuration": organization_configuration_result(config)}
    after = _config_view(wanted_auto, predicted)
    result = {
        "auto_enable_organization_members": wanted_auto,
        "member_account_limit_reached": config.get("MemberAccountLimitReached"),
        "features": features_to_result(predicted, "auto_enable"),
    }
    if not check_mode:
        # Always name the member auto-enable mode: never rely on the deprecated AutoEnable.
        params = {"DetectorId": detector_id, "AutoEnableOrganizationMembers": wanted_auto}
        try:
            for features_request in split_exclusive(changes) or [{}]:
                if features_request:
                    params["Features"] = features_to_api(features_request, "AutoEnable")
                client.update_organization_configuration(aws_retry=True, **params)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise explain(
                e, "update the GuardDuty organization configuration in {0}".format(region),
                {"region": region, "detector_id": detector_id},
            ) from e
        config = read_organization_configuration(client, detector_id, region)
        after = _config_view(config.get("AutoEnableOrganizationMembers"),
                             features_from_api(config.get("Features"), "AutoEnable"))
        result = organization_configuration_result(config)
    return {"changed": True, "before": before, "after": after, "detector_id": detector_id, "configuration": result}


def organization_configuration_step_result(outcome, with_diff):
    """An ensure_organization_configuration outcome as guardduty_organization_configuration returns it for one
    Region."""
    result = dict(
        changed=outcome["changed"],
        detector_id=outcome["detector_id"],
        organization_configuration=outcome["configuration"],
    )
    if with_diff:
        result["diff"] = diff_of(outcome["before"], outcome["after"])
    return result


# --------------------------------------------------------------------------------------
# Invitations, from the member account (docs/requirements.md#guardduty-by-invitation): accept only the expected
# administrator.
# --------------------------------------------------------------------------------------
def read_administrator(client, detector_id, region):
    if detector_id is None:
        return {}
    try:
        return client.get_administrator_account(DetectorId=detector_id, aws_retry=True).get("Administrator") or {}
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(e, "read this account's GuardDuty administrator in {0}".format(region),
                      {"region": region, "detector_id": detector_id}) from e


def read_invitations(client, region):
    try:
        return list_invitations(client)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        raise explain(e, "list the GuardDuty invitations in {0}".format(region), {"region": region}) from e


def administrator_result(administrator):
    if not administrator or not administrator.get("AccountId"):
        return None
    return {
        "account_id": administrator.get("AccountId"),
        "relationship_status": administrator.get("RelationshipStatus"),
        "invitation_id": administrator.get("InvitationId"),
        "invited_at": administrator.get("InvitedAt"),
    }


def invitations_result(invitations):
    return [
        {
            "account_id": i.get("AccountId"),
            "invitation_id": i.get("InvitationId"),
            "relationship_status": i.get("RelationshipStatus"),
            "invited_at": i.get("InvitedAt"),
        }
        for i in invitations
    ]


def ensure_invitation(client, region, administrator_id, state="accepted", check_mode=False):
    """Accept (or decline, or leave) the membership offered by ``administrator_id`` only.

    Invitations from any other account are never accepted: they are reported and left alone.
    """
    context = {"region": region, "administrator_id": administrator_id}
    detector_id = find_detector_id(client, region)
    detector_created = False
    administrator = read_administrator(client, detector_id, region)
    current_admin = administrator.get("AccountId")
    associated = current_admin == administrator_id and administrator.get("RelationshipStatus") == "Enabled"
    before = {"administrator": administrator_result(administrator)}
    outcome = {"changed": False, "detector_id": detector_id, "detector_created": False, "before": before,
               "after": before, "administrator": administrator, "invitations": []}

    if state == "absent":
        if current_admin != administrator_id:
            return outcome
        outcome.update(changed=True, after={"administrator": None}, administrator={})
        if not check_mode:
            try:
                client.disassociate_from_administrator_account(DetectorId=detector_id, aws_retry=True)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                raise explain(e, "leave GuardDuty administrator {0} in {1}".format(administrator_id, region),
                              context) from e
        return outcome

    if current_admin and current_admin != administrator_id and administrator.get("RelationshipStatus") == "Enabled":
        raise GuardDutyError(
            "This account is already a GuardDuty member of administrator {0} in {1}, not of the expected {2}. An "
            "account has one administrator; leave {0} first (guardduty_invitation state=absent "
            "administrator_account_id={0}) if that is really intended.".format(current_admin, region, administrator_id),
            administrator=administrator_result(administrator),
        )
    if associated:
        if state == "declined":
            raise GuardDutyError(
                "This account already accepted administrator {0} in {1}; there is nothing to decline. Use state=absent "
                "to leave it.".format(administrator_id, region),
                administrator=administrator_result(administrator),
            )
        return outcome

    invitations = read_invitations(client, region)
    outcome["invitations"] = invitations
    expected = [i for i in invitations if i.get("AccountId") == administrator_id]
    others = sorted(i.get("AccountId") for i in invitations if i.get("AccountId") != administrator_id)
    if state == "declined":
        if not expected:
            return outcome
        outcome.update(changed=True, after={"administrator": None})
        if not check_mode:
            try:
                response = client.decline_invitations(AccountIds=[administrator_id], aws_retry=True)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                raise explain(e, "decline the invitation of {0} in {1}".format(administrator_id, region),
                              context) from e
            if response.get("UnprocessedAccounts"):
                raise GuardDutyError(unprocessed_message(
                    [{"account_id": u["AccountId"], "operation": "DeclineInvitations", "result": u.get("Result", "")}
                     for u in response["UnprocessedAccounts"]],
                    "decline the invitation of {0}".format(administrator_id), context))
            outcome["invitations"] = read_invitations(client, region)
        return outcome

    # accepted: GuardDuty must be enabled before an invitation can be accepted
    # (docs/requirements.md#guardduty-by-invitation), so the detector comes first, even when the invitation has not
    # arrived yet.
    if detector_id is None:
        created = ensure_detector(client, region, enable=True, check_mode=check_mode)
        detector_id = created["after"]["detector_id"]
        detector_created = True
        outcome.update(changed=True, detector_id=detector_id, detector_created=True)
    if not expected:
        raise GuardDutyError(
            "There is no pending GuardDuty invitation from administrator {0} in {1}{2}. Ask {0} to create and invite "
            "this account in {1} (radiant.aws_onboarding.guardduty_members with invite: true and this account's root "
            "email), then run again. Invitations from other accounts are never accepted.".format(
                administrator_id, region,
                " (pending invitations from other accounts, left alone: {0})".format(", ".join(others)) if others
                else "",
            ),
            invitations=invitations_result(invitations),
            changed=outcome["changed"],
            detector_id=detector_id,
            detector_created=detector_created,
        )
    invitation = expected[0]
    after_admin = {"AccountId": administrator_id, "RelationshipStatus": "Enabled",
                   "InvitationId": invitation.get("InvitationId"), "InvitedAt": invitation.get("InvitedAt")}
    outcome.update(changed=True, detector_id=detector_id, detector_created=detector_created,
                   after={"administrator": administrator_result(after_admin)}, administrator=after_admin)
    if not check_mode:
        try:
            client.accept_administrator_invitation(
                DetectorId=detector_id, AdministratorId=administrator_id,
                InvitationId=invitation["InvitationId"], aws_retry=True,
            )
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise explain(e, "accept the invitation of {0} in {1}".format(administrator_id, region), context) from e
        outcome["administrator"] = read_administrator(client, detector_id, region)
        outcome["after"] = {"administrator": administrator_result(outcome["administrator"])}
        outcome["invitations"] = read_invitations(client, region)
    return outcome
