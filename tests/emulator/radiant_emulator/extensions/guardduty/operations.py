"""GuardDuty operations with AWS semantics.

Each function takes the calling account, the region and the parsed request (botocore
member names, e.g. ``DetectorId``) and returns the response with botocore member names;
``wire`` turns that into GuardDuty's camelCase JSON. Behaviour notes cite the
GuardDuty API reference (docs.aws.amazon.com/guardduty/latest/APIReference/API_<Op>.html)
or user guide page they follow.
"""

from __future__ import annotations

import datetime
import re

from ... import accounts, realism
from . import state
from .errors import DETECTOR_EXISTS, DETECTOR_NOT_OWNED, NOT_ASSOCIATED_MEMBER, OUT_OF_RANGE, bad_request
from .features import FeatureSet, from_data_sources, now, validate_request
from .state import LOCK, Detector, Invitation, Member

GUARDDUTY_PRINCIPAL = "guardduty.amazonaws.com"
ACCOUNT_ID = re.compile(r"^\d{12}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BATCH_LIMIT = 50  # API reference: AccountIds / AccountDetails "Array Members: 1-50"
# UnprocessedAccounts texts AWS returns, as quoted verbatim in public tool logs (cloud-custodian
# issue 3209 for the first two, superwerker issue 84 from CloudTrail for the third).
ALREADY_MEMBER = (
    "The request is rejected because the given account ID is already a member or associated member of the current "
    "account."
)
ALREADY_INVITED = (
    "The request is rejected because the current account has already invited or is already the GuardDuty master "
    "of the given member account ID."
)
# API reference, CreateDetector / UpdateDetector FindingPublishingFrequency and
# UpdateOrganizationConfiguration AutoEnableOrganizationMembers: "Valid Values".
FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
AUTO_ENABLE_MEMBERS = ("NEW", "ALL", "NONE")
MANAGEMENT_NOT_ENABLED = (
    "Operation failed because your organization master must first enable GuardDuty to be added as a member"
)


def iso_timestamp(stamp) -> str:
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _batch(items) -> list:
    items = items or []
    if not 1 <= len(items) <= BATCH_LIMIT:
        raise bad_request(OUT_OF_RANGE)
    return items


def paginate(items: list, params: dict, default_max: int = 50) -> tuple[list, dict]:
    max_results = params.get("MaxResults") or default_max
    if not 1 <= int(max_results) <= 50:
        raise bad_request(OUT_OF_RANGE)
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            start = int(token)
        except ValueError as error:
            raise bad_request("The request is rejected because the nextToken is invalid.") from error
    page = items[start : start + int(max_results)]
    extra = {}
    if start + int(max_results) < len(items):
        extra["NextToken"] = str(start + int(max_results))
    return page, extra


def own_detector(account: str, region: str, detector_id: str) -> Detector:
    detector = state.store().detector(account, region)
    if detector is None or detector.id != detector_id:
        raise bad_request(DETECTOR_NOT_OWNED)
    return detector


def _organization(account: str):
    """(organization id, management account id) of ``account``'s organization, or (None, None)."""
    record = accounts.organization_account(account)
    if record is None:
        return None, None
    return record.organization_id, record.master_account_id


def _org_backend(management_account: str):
    from moto.organizations.models import organizations_backends

    return organizations_backends[management_account]["aws"]


def _one_of(value, allowed) -> None:
    # botocore does not check enums: GuardDuty answers with its generic validation text.
    if value is not None and value not in allowed:
        raise bad_request(OUT_OF_RANGE)


# -- detectors -------------------------------------------------------------------------
def create_detector(account, region, params):
    # API_CreateDetector: one detector per account per Region; features not specified are
    # enabled except RUNTIME_MONITORING; deprecated dataSources map onto features.
    with LOCK:
        store = state.store()
        if store.detector(account, region) is not None:
            raise bad_request(DETECTOR_EXISTS)
        _one_of(params.get("FindingPublishingFrequency"), FREQUENCIES)
        validate_request(params.get("Features") or [])
        requested = from_data_sources(params.get("DataSources")) + list(params.get("Features") or [])
        detector = Detector(
            account,
            region,
            params.get("Enable", True),
            params.get("FindingPublishingFrequency"),
            FeatureSet(requested),
            params.get("Tags"),
        )
        store.detectors[(account, region)] = detector
        return {"DetectorId": detector.id}


def detector_view(detector: Detector) -> dict:
    return {
        "CreatedAt": iso_timestamp(detector.created_at),
        "FindingPublishingFrequency": detector.frequency,
        "ServiceRole": detector.service_role,
        "Status": detector.status,
        "UpdatedAt": iso_timestamp(detector.updated_at),
        "DataSources": detector.features.data_sources(detector.service_role),
        "Features": detector.features.result(stamp=detector.created_at),
        "Tags": dict(detector.tags),
    }


def get_detector(account, region, params):
    with LOCK:
        return detector_view(own_detector(account, region, params["DetectorId"]))


def update_detector(account, region, params):
    # API_UpdateDetector: features given are merged by name (additional configuration by
    # name too); features not given keep their status. Members of an organization cannot
    # change what their delegated administrator manages (user guide, S3 Protection: "The
    # GuardDuty member accounts can't modify this configuration").
    with LOCK:
        detector = own_detector(account, region, params["DetectorId"])
        _one_of(params.get("FindingPublishingFrequency"), FREQUENCIES)
        validate_request(params.get("Features") or [])
        requested = from_data_sources(params.get("DataSources")) + list(params.get("Features") or [])
        if requested and _org_managed_member(account, region):
            raise bad_request(
                "The request is rejected because the current account is a member of an organization and its "
                "features are managed by the GuardDuty delegated administrator."
            )
        changed = detector.features.merge(requested) if requested else False
        if "Enable" in params:
            status = "ENABLED" if params["Enable"] else "DISABLED"
            changed = changed or status != detector.status
            detector.status = status
        if params.get("FindingPublishingFrequency"):
            changed = changed or params["FindingPublishingFrequency"] != detector.frequency
            detector.frequency = params["FindingPublishingFrequency"]
        if changed:
            detector.updated_at = now()
        return {}


def _org_managed_member(account, region) -> bool:
    store = state.store()
    administrator = store.administrator_of.get((account, region))
    if administrator is None:
        return False
    member = store.members_of(administrator, region).get(account)
    return bool(member and member.via_organization)


def list_detectors(account, region, params):
    with LOCK:
        detector = state.store().detector(account, region)
        ids = [detector.id] if detector else []
    page, extra = paginate(ids, params)
    return {"DetectorIds": page, **extra}


def delete_detector(account, region, params):
    # User guide, "Suspending or disabling GuardDuty": an administrator must disassociate and
    # delete its members before it can disable GuardDuty.
    with LOCK:
        store = state.store()
        own_detector(account, region, params["DetectorId"])
        if store.members_of(account, region):
            raise bad_request(
                "The request is rejected because the current account has member accounts. "
                "Disassociate and delete all member accounts before disabling GuardDuty."
            )
        if store.administrator_of.get((account, region)) is not None:
            # Same page: a member must be disassociated from its administrator (organization
            # members by the delegated administrator) before GuardDuty can be disabled in it.
            raise bad_request(
                "The request is rejected because the current account is a member of an administrator account. "
                "Disassociate from the administrator account before disabling GuardDuty."
            )
        del store.detectors[(account, region)]
        return {}


# -- organization administrator -----------------------------------------------------
def _require_management(account: str) -> str:
    org_id, management = _organization(account)
    if org_id is None or management != account:
        # API_EnableOrganizationAdminAccount: "Only the organization's management account can run this API".
        raise bad_request(
            "The request is rejected because the current account is not the management account of an organization."
        )
    return org_id


def enable_organization_admin_account(account, region, params):
    # API_EnableOrganizationAdminAccount + user guide "Permissions required to designate a
    # delegated GuardDuty administrator account" (organizations_permissions.html): designating
    # "enables GuardDuty as a trusted service in AWS Organizations. It also enables GuardDuty for
    # the delegated GuardDuty administrator account ... in the current Region". The account must
    # belong to the organization; one delegated administrator per organization.
    admin = params["AdminAccountId"]
    with LOCK:
        org_id = _require_management(account)
        backend = _org_backend(account)
        record = accounts.organization_account(admin)
        if record is None or record.organization_id != org_id:
            raise bad_request("The request is rejected because the account is not a member of the organization.")
        store = state.store()
        current = store.org_admins.get((org_id, region))
        if current and current["account"] != admin and current["status"] == "ENABLED":
            raise bad_request(
                "The request is rejected because another account is already enabled as the GuardDuty delegated "
                "administrator for the organization."
            )
        registered = _registered_guardduty_admins(backend)
        if admin != account and registered - {admin}:
            # Organizations still names the previous administrator (DisableOrganizationAdminAccount leaves
            # that registration; DeregisterDelegatedAdministrator removes it).
            raise bad_request(
                "The request is rejected because account {0} is still registered as the delegated administrator "
                "for guardduty.amazonaws.com in AWS Organizations. Deregister it first.".format(
                    ", ".join(sorted(registered - {admin})))
            )
        if GUARDDUTY_PRINCIPAL not in {service["ServicePrincipal"] for service in backend.services}:
            backend.enable_aws_service_access(ServicePrincipal=GUARDDUTY_PRINCIPAL)
        store.org_admins[(org_id, region)] = {"account": admin, "status": "ENABLED"}
        if admin != account and admin not in registered:
            backend.register_delegated_administrator(AccountId=admin, ServicePrincipal=GUARDDUTY_PRINCIPAL)
        if store.detector(admin, region) is None:
            detector = Detector(admin, region, True, None, FeatureSet(), None)
            store.detectors[(admin, region)] = detector
        return {}


def _registered_guardduty_admins(backend) -> set:
    return {admin.account.id for admin in backend.admins if GUARDDUTY_PRINCIPAL in admin.services}


def disable_organization_admin_account(account, region, params):
    # API_DisableOrganizationAdminAccount: the admin is disabled asynchronously (ListOrganization-
    # AdminAccounts reports DISABLE_IN_PROGRESS). It does not deregister the account in
    # Organizations: that is DeregisterDelegatedAdministrator. And it is refused while the admin
    # still has members: "Before you remove a delegated GuardDuty administrator account, you must
    # disassociate all the member accounts ... and then delete them" (user guide, "Changing the
    # delegated GuardDuty administrator account"; the error text is ours, AWS does not publish it).
    admin = params["AdminAccountId"]
    with LOCK:
        org_id = _require_management(account)
        store = state.store()
        current = store.org_admins.get((org_id, region))
        if not current or current["account"] != admin:
            raise bad_request(
                "The request is rejected because the input account is not the delegated administrator account."
            )
        if store.members_of(admin, region):
            raise bad_request(
                "The request is rejected because the delegated administrator account still has member accounts. "
                "Disassociate and delete all member accounts before removing the delegated administrator."
            )
        current["status"] = "DISABLE_IN_PROGRESS"
        store.org_configs.pop((admin, region), None)
        return {}


def list_organization_admin_accounts(account, region, params):
    with LOCK:
        org_id = _require_management(account)
        store = state.store()
        current = store.org_admins.get((org_id, region))
        admins = []
        if current:
            admins.append({"AdminAccountId": current["account"], "AdminStatus": current["status"]})
            if current["status"] == "DISABLE_IN_PROGRESS":
                # Reported once as in progress, then gone: the disable completes.
                del store.org_admins[(org_id, region)]
    page, extra = paginate(admins, params)
    return {"AdminAccounts": page, **extra}


def delegated_admin_org(account: str, region: str) -> str | None:
    """The organization id for which ``account`` is the enabled GuardDuty delegated admin in ``region``."""
    org_id, _management = _organization(account)
    if org_id is None:
        return None
    current = state.store().org_admins.get((org_id, region))
    if current and current["account"] == account and current["status"] == "ENABLED":
        return org_id
    return None


def _require_delegated_admin(account, region) -> str:
    org_id = delegated_admin_org(account, region)
    if org_id is None:
        # API_UpdateOrganizationConfiguration: only the delegated administrator can run it. AWS's text,
        # as quoted in aws-security-reference-architecture-examples issue 141:
        raise bad_request("The request failed because you do not have required AWS Organization master permission.")
    return org_id


# -- organization configuration -----------------------------------------------------
def describe_organization_configuration(account, region, params):
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        _require_delegated_admin(account, region)
        reconcile_auto_enable(account, region)
        config = state.store().org_config(account, region)
        auto = config.auto_enable_members
        return {
            "AutoEnable": auto != "NONE",
            "MemberAccountLimitReached": False,
            "DataSources": config.features.data_sources(),
            "Features": config.features.result(),
            "AutoEnableOrganizationMembers": auto,
        }


def update_organization_configuration(account, region, params):
    # API_UpdateOrganizationConfiguration: AutoEnable is deprecated; "You must provide a value
    # for either autoEnableOrganizationMembers or autoEnable, but not both."
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        _require_delegated_admin(account, region)
        _one_of(params.get("AutoEnableOrganizationMembers"), AUTO_ENABLE_MEMBERS)
        validate_request(params.get("Features") or [], "AutoEnable")
        if ("AutoEnable" in params) == ("AutoEnableOrganizationMembers" in params):
            raise bad_request(
                "The request is rejected because you must provide a value for either autoEnableOrganizationMembers "
                "or autoEnable, but not both."
            )
        reconcile_auto_enable(account, region)  # accounts that joined under the previous setting
        config = state.store().org_config(account, region)
        mode = config.auto_enable_members
        if "AutoEnableOrganizationMembers" in params:
            mode = params["AutoEnableOrganizationMembers"]
        elif "AutoEnable" in params:
            mode = "NEW" if params["AutoEnable"] else "NONE"
        if mode != config.auto_enable_members:
            config.auto_enable_members = mode
            config.members_since = now()
        config.features.apply_data_sources(params.get("DataSources"))
        config.features.merge(params.get("Features") or [])
        reconcile_auto_enable(account, region, apply_all_features=True)
        return {}


def _organization_accounts(org_id: str, management: str):
    return [acct for acct in _org_backend(management).accounts if acct.organization_id == org_id]


def reconcile_auto_enable(admin: str, region: str, apply_all_features: bool = False) -> None:
    """Apply organization auto-enable (user guide, "Configuring auto-enable preferences").

    ALL: every active account of the organization becomes a member with GuardDuty enabled;
    NEW: accounts that join after the setting. Features set to ALL are enabled on every member
    when the configuration changes; NEW features only on members added from now on.
    API_UpdateOrganizationConfiguration: "It may take up to 24 hours to update the configuration
    for all the member accounts": with realism on, the existing accounts are enrolled, and ALL
    features pushed, over ``auto_enable_seconds`` (staggered), not at once. An account being
    enrolled is not listed yet, and CreateMembers answers it "already a member or associated member".
    """
    store = state.store()
    config = store.org_config(admin, region)
    org_id, management = _organization(admin)
    if org_id is None:
        return
    members = store.members_of(admin, region)
    clock = now()
    if config.auto_enable_members in ("ALL", "NEW"):
        eligible = []
        for record in _organization_accounts(org_id, management):
            if record.id == admin or record.id in members or record.status != "ACTIVE":
                continue
            if record.id == management and store.detector(record.id, region) is None:
                continue  # the management account enables GuardDuty itself before it can be a member
            joined_after = record.create_time > config.members_since.replace(tzinfo=None)
            if config.auto_enable_members == "NEW" and not joined_after:
                continue
            if store.administrator_of.get((record.id, region)) not in (None, admin):
                continue
            if joined_after:
                _add_org_member(admin, region, record.id, record.email)
            else:
                eligible.append(record)
        delay = realism.current().seconds("auto_enable_seconds")
        for index, record in enumerate(eligible):
            due = config.enrolment_due.setdefault(
                record.id, clock + datetime.timedelta(seconds=delay * (index + 1) / len(eligible)))
            if due <= clock:
                del config.enrolment_due[record.id]
                _add_org_member(admin, region, record.id, record.email)
    else:
        config.enrolment_due.clear()
    if apply_all_features:
        config.features_due = clock + datetime.timedelta(seconds=realism.current().seconds("auto_enable_seconds"))
    if config.features_due is not None and config.features_due <= clock:
        config.features_due = None
        updates = config.features.as_member_features(("ALL",))
        if updates:
            for member_id, member in members.items():
                detector = store.detector(member_id, region)
                if member.via_organization and detector is not None and member.status == "Enabled":
                    detector.features.merge(updates)


def _being_enrolled(admin: str, region: str, account_id: str) -> bool:
    config = state.store().org_configs.get((admin, region))
    return bool(config and account_id in config.enrolment_due)


def _add_org_member(admin: str, region: str, account_id: str, email: str) -> Member:
    """Associate an organization account: GuardDuty is enabled in it right away (user guide,
    "Managing GuardDuty accounts with AWS Organizations" - no invitation for org accounts)."""
    store = state.store()
    member = Member(account_id, admin, email, "Enabled")
    member.via_organization = True
    store.members_of(admin, region)[account_id] = member
    store.administrator_of[(account_id, region)] = admin
    config = store.org_config(admin, region)
    detector = store.detector(account_id, region)
    if detector is None:
        # New detector: auto-enabled features on, features set to NONE off.
        base = FeatureSet()
        base.merge([{"Name": name, "Status": "DISABLED"} for name in base.features])
        base.merge(config.features.as_member_features(("NEW", "ALL")))
        detector = Detector(account_id, region, True, None, base, None)
        store.detectors[(account_id, region)] = detector
    else:
        detector.features.merge(config.features.as_member_features(("NEW", "ALL")))
        detector.status = "ENABLED"
    return member


# -- members (administrator side) ---------------------------------------------------
def create_members(account, region, params):
    # API_CreateMembers: 1-50 AccountDetails; organization accounts are associated directly
    # when the caller is the delegated admin, others are created for an invitation.
    details = _batch(params.get("AccountDetails"))
    unprocessed = []
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        reconcile_auto_enable(account, region)
        store = state.store()
        org_id = delegated_admin_org(account, region)
        members = store.members_of(account, region)
        for detail in details:
            account_id, email = detail.get("AccountId", ""), detail.get("Email", "")
            record = accounts.organization_account(account_id) if ACCOUNT_ID.match(account_id or "") else None
            in_org = org_id is not None and record is not None and record.organization_id == org_id
            problem = _member_problem(account, region, account_id, email, in_org)
            if problem is None and in_org and record.status != "ACTIVE":
                # GuardDuty does not associate a SUSPENDED organization account; AWS does not document the
                # Result text, so this wording is ours (docs/emulator-fidelity.md).
                problem = "The request is rejected because the account is suspended and cannot be added as a member."
            if problem:
                unprocessed.append({"AccountId": account_id, "Result": problem})
                continue
            existing = members.get(account_id)
            if existing is None and _being_enrolled(account, region, account_id):
                unprocessed.append({"AccountId": account_id, "Result": ALREADY_MEMBER})
                continue
            if in_org and record.id == record.master_account_id and store.detector(account_id, region) is None:
                # DESIGN lesson 3 / seen in CloudTrail: the management account must enable GuardDuty itself first.
                unprocessed.append({"AccountId": account_id, "Result": MANAGEMENT_NOT_ENABLED})
                continue
            if existing is not None and not (in_org and existing.status != "Enabled"):
                # AWS reports an existing member instead of ignoring it (seen verbatim in c7n-guardian logs);
                # a disassociated organization account is associated again.
                unprocessed.append({"AccountId": account_id, "Result": ALREADY_MEMBER})
                continue
            if in_org:
                _add_org_member(account, region, account_id, email)
            else:
                members[account_id] = Member(account_id, account, email, "Created")
    return {"UnprocessedAccounts": unprocessed}


def _member_problem(admin: str, region: str, account_id: str, email: str, in_org: bool) -> str | None:
    """AWS's per-account Result text for an account that cannot become a member."""
    if not ACCOUNT_ID.match(account_id or ""):
        return "The request is rejected because the input account ID is not a valid AWS account ID."
    if account_id == admin:
        return "The request is rejected because the current account cannot add itself as a member."
    if not EMAIL.match(email or ""):
        return "The request is rejected because the email address is not valid."
    if in_org and not _email_matches(account_id, email):
        # Organization accounts: GuardDuty knows the account's email from Organizations. (Accounts
        # outside the organization are checked when invited: EmailVerificationFailed.)
        return "The request is rejected because the email address does not match the email address of the account."
    store = state.store()
    other = store.administrator_of.get((account_id, region))
    if other is not None and other != admin:
        return "The request is rejected because the account is already a member of another administrator account."
    if store.members_of(account_id, region):
        return "The request is rejected because the account is an administrator account with member accounts."
    return None


def _email_matches(account_id: str, email: str) -> bool:
    """ "The email address that you specify MUST be identical to the email address associated
    with the AWS account" (user guide, "Managing GuardDuty accounts by invitation")."""
    expected = accounts.root_email(account_id)
    return expected is not None and expected.lower() == (email or "").lower()


def invite_members(account, region, params):
    # API_InviteMembers: Created (or Removed/Resigned) -> Invited; the invitation appears in
    # the member's ListInvitations in the same Region only.
    ids = _batch(params.get("AccountIds"))
    unprocessed = []
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        store = state.store()
        members = store.members_of(account, region)
        for account_id in ids:
            member = members.get(account_id)
            if member is None:
                unprocessed.append(
                    {
                        "AccountId": account_id,
                        "Result": "The request is rejected because the input account ID is not a member of the current "
                        "account. Call CreateMembers first.",
                    }
                )
                continue
            if member.status in ("Invited", "Enabled"):
                unprocessed.append({"AccountId": account_id, "Result": ALREADY_INVITED})
                continue
            if not _email_matches(account_id, member.email):
                # GuardDuty verifies the address before it sends the invitation; a wrong (non-root)
                # address leaves the member EmailVerificationFailed and no invitation (DESIGN
                # lesson 4; AWS CLI issue 3295 shows such a member).
                member.invited_at = now()
                member.set_status("EmailVerificationFailed")
                continue
            invitation = Invitation(account, params.get("Message"))
            store.invitations.setdefault((account_id, region), {})[account] = invitation
            member.invitation_id = invitation.id
            member.invited_at = invitation.invited_at
            member.set_status("Invited")
    return {"UnprocessedAccounts": unprocessed}


def member_view(member: Member, region: str) -> dict:
    detector = state.store().detector(member.account, region)
    view = {
        "AccountId": member.account,
        "MasterId": member.administrator,
        "AdministratorId": member.administrator,
        "Email": member.email,
        "RelationshipStatus": member.status,
        "UpdatedAt": iso_timestamp(member.updated_at),
    }
    if detector is not None:
        view["DetectorId"] = detector.id
    if member.invited_at is not None:
        view["InvitedAt"] = iso_timestamp(member.invited_at)
    return view


def get_members(account, region, params):
    ids = _batch(params.get("AccountIds"))
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        reconcile_auto_enable(account, region)
        members = state.store().members_of(account, region)
        found, unprocessed = [], []
        for account_id in ids:
            if account_id in members:
                found.append(member_view(members[account_id], region))
            else:
                unprocessed.append(
                    {
                        "AccountId": account_id,
                        "Result": "The request is rejected because the input account ID is not a member of the current "
                        "account.",
                    }
                )
    return {"Members": found, "UnprocessedAccounts": unprocessed}


def list_members(account, region, params):
    # API_ListMembers: onlyAssociated defaults to true ("only associated members are listed").
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        reconcile_auto_enable(account, region)
        only_associated = str(params.get("OnlyAssociated", "true")).lower() != "false"
        members = sorted(state.store().members_of(account, region).values(), key=lambda m: m.account)
        if only_associated:
            # Associated: the relationship exists, monitored or stopped (StopMonitoringMembers).
            members = [member for member in members if member.status in ("Enabled", "Disabled")]
        # Render only the page: rendering every member for each page made listing 1,000 members quadratic.
        page, extra = paginate(members, params)
        views = [member_view(member, region) for member in page]
    return {"Members": views, **extra}


def _guard_org_auto_enable_all(account, region, ids, verb):
    """API_DeleteMembers / API_DisassociateMembers: with autoEnableOrganizationMembers ALL,
    removing an organization member is an error."""
    store = state.store()
    config = store.org_configs.get((account, region))
    if config is None or config.auto_enable_members != "ALL":
        return
    members = store.members_of(account, region)
    blocked = [account_id for account_id in ids if account_id in members and members[account_id].via_organization]
    if blocked:
        raise bad_request(
            f"The request is rejected because you cannot {verb} organization member accounts while "
            "autoEnableOrganizationMembers is set to ALL. Change it to NEW or NONE first."
        )


def disassociate_members(account, region, params):
    ids = _batch(params.get("AccountIds"))
    unprocessed = []
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        _guard_org_auto_enable_all(account, region, ids, "disassociate")
        store = state.store()
        members = store.members_of(account, region)
        for account_id in ids:
            member = members.get(account_id)
            if member is None:
                unprocessed.append({"AccountId": account_id, "Result": NOT_ASSOCIATED_MEMBER})
                continue
            if store.administrator_of.get((account_id, region)) == account:
                del store.administrator_of[(account_id, region)]
            store.invitations.get((account_id, region), {}).pop(account, None)
            member.set_status("Removed")
    return {"UnprocessedAccounts": unprocessed}


def delete_members(account, region, params):
    ids = _batch(params.get("AccountIds"))
    unprocessed = []
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        _guard_org_auto_enable_all(account, region, ids, "delete")
        store = state.store()
        members = store.members_of(account, region)
        for account_id in ids:
            if account_id not in members:
                unprocessed.append({"AccountId": account_id, "Result": NOT_ASSOCIATED_MEMBER})
                continue
            if store.administrator_of.get((account_id, region)) == account:
                del store.administrator_of[(account_id, region)]
            store.invitations.get((account_id, region), {}).pop(account, None)
            del members[account_id]
    return {"UnprocessedAccounts": unprocessed}


def _monitoring(account, region, params, status_from, status_to):
    ids = _batch(params.get("AccountIds"))
    unprocessed = []
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        members = state.store().members_of(account, region)
        for account_id in ids:
            member = members.get(account_id)
            if member is None or member.status not in (status_from, status_to):
                unprocessed.append({"AccountId": account_id, "Result": NOT_ASSOCIATED_MEMBER})
            else:
                member.set_status(status_to)
    return {"UnprocessedAccounts": unprocessed}


def stop_monitoring_members(account, region, params):
    # API_StopMonitoringMembers: the administrator stops monitoring; the member shows Disabled.
    return _monitoring(account, region, params, "Enabled", "Disabled")


def start_monitoring_members(account, region, params):
    # API_StartMonitoringMembers: re-enables monitoring of members stopped before.
    return _monitoring(account, region, params, "Disabled", "Enabled")


def update_member_detectors(account, region, params):
    # API_UpdateMemberDetectors: features merged per member, as UpdateDetector does.
    ids = _batch(params.get("AccountIds"))
    validate_request(params.get("Features") or [])
    requested = from_data_sources(params.get("DataSources")) + list(params.get("Features") or [])
    unprocessed = []
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        reconcile_auto_enable(account, region)
        store = state.store()
        members = store.members_of(account, region)
        for account_id in ids:
            member = members.get(account_id)
            detector = store.detector(account_id, region)
            if member is None or member.status != "Enabled" or detector is None:
                unprocessed.append({"AccountId": account_id, "Result": NOT_ASSOCIATED_MEMBER})
                continue
            if detector.features.merge(requested):
                detector.updated_at = now()
    return {"UnprocessedAccounts": unprocessed}


def get_member_detectors(account, region, params):
    ids = _batch(params.get("AccountIds"))
    found, unprocessed = [], []
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        reconcile_auto_enable(account, region)
        store = state.store()
        members = store.members_of(account, region)
        for account_id in ids:
            member = members.get(account_id)
            detector = store.detector(account_id, region)
            if member is None or detector is None:
                unprocessed.append({"AccountId": account_id, "Result": NOT_ASSOCIATED_MEMBER})
                continue
            found.append(
                {
                    "AccountId": account_id,
                    "DataSources": detector.features.data_sources(detector.service_role),
                    "Features": detector.features.result(include_foundational=False),
                }
            )
    return {"MemberDataSourceConfigurations": found, "UnprocessedAccounts": unprocessed}


# -- invitations (member side) --------------------------------------------------------
def list_invitations(account, region, params):
    with LOCK:
        pending = state.store().invitations.get((account, region), {})
        views = [
            {
                "AccountId": administrator,
                "InvitationId": invitation.id,
                "RelationshipStatus": "Invited",
                "InvitedAt": iso_timestamp(invitation.invited_at),
            }
            for administrator, invitation in sorted(pending.items())
        ]
    page, extra = paginate(views, params)
    return {"Invitations": page, **extra}


def get_invitations_count(account, region, params):
    # API_GetInvitationsCount: all invitations to the account "except the currently accepted invitation".
    with LOCK:
        return {"InvitationsCount": len(state.store().invitations.get((account, region), {}))}


def accept_administrator_invitation(account, region, params, administrator_key="AdministratorId"):
    # API_AcceptAdministratorInvitation: needs the member's detector in this Region (user guide:
    # "You must enable GuardDuty before you can accept a membership invitation"); an account
    # cannot be an administrator and a member at once.
    administrator = params[administrator_key]
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        store = state.store()
        if store.members_of(account, region):
            raise bad_request(
                "The request is rejected because the current account is an administrator (master) account with "
                "member accounts and cannot become a member account."
            )
        current = store.administrator_of.get((account, region))
        if current is not None and current != administrator:
            raise bad_request(
                "The request is rejected because the current account is already associated with another "
                "administrator account."
            )
        invitation = store.invitations.get((account, region), {}).get(administrator)
        if invitation is None or invitation.id != params["InvitationId"]:
            raise bad_request(
                "The request is rejected because the input invitationId or administratorId is not valid for the "
                "current account."
            )
        member = store.members_of(administrator, region).get(account)
        if member is None:
            raise bad_request("The request is rejected because the invitation is no longer valid.")
        del store.invitations[(account, region)][administrator]
        store.administrator_of[(account, region)] = administrator
        member.set_status("Enabled")
        return {}


def accept_invitation(account, region, params):
    # API_AcceptInvitation: deprecated alias taking MasterId.
    return accept_administrator_invitation(account, region, params, administrator_key="MasterId")


def _answer_invitations(account, region, params, status):
    ids = _batch(params.get("AccountIds"))
    unprocessed = []
    with LOCK:
        store = state.store()
        pending = store.invitations.get((account, region), {})
        for administrator in ids:
            if administrator not in pending:
                unprocessed.append(
                    {
                        "AccountId": administrator,
                        "Result": "The request is rejected because no invitation from the given account exists.",
                    }
                )
                continue
            del pending[administrator]
            member = store.members_of(administrator, region).get(account)
            if member is not None and status:
                member.set_status(status)
    return {"UnprocessedAccounts": unprocessed}


def decline_invitations(account, region, params):
    # API_DeclineInvitations: the administrator sees the member as Resigned.
    return _answer_invitations(account, region, params, "Resigned")


def delete_invitations(account, region, params):
    return _answer_invitations(account, region, params, None)


def _administrator_view(account, region, params) -> dict:
    own_detector(account, region, params["DetectorId"])
    store = state.store()
    administrator = store.administrator_of.get((account, region))
    if administrator is None:
        return {}
    member = store.members_of(administrator, region).get(account)
    view = {"AccountId": administrator, "RelationshipStatus": member.status if member else "Enabled"}
    if member is not None and member.invitation_id:
        view["InvitationId"] = member.invitation_id
    if member is not None and member.invited_at:
        view["InvitedAt"] = iso_timestamp(member.invited_at)
    return view


def get_administrator_account(account, region, params):
    with LOCK:
        return {"Administrator": _administrator_view(account, region, params)}


def get_master_account(account, region, params):
    with LOCK:
        return {"Master": _administrator_view(account, region, params)}


def disassociate_from_administrator_account(account, region, params):
    # API_DisassociateFromAdministratorAccount: members of an organization are managed by the
    # delegated administrator and cannot leave by themselves.
    with LOCK:
        own_detector(account, region, params["DetectorId"])
        store = state.store()
        administrator = store.administrator_of.get((account, region))
        if administrator is None:
            raise bad_request("The request is rejected because the current account has no administrator account.")
        member = store.members_of(administrator, region).get(account)
        if member is not None and member.via_organization:
            raise bad_request(
                "The request is rejected because the current account is an organization member managed by the "
                "GuardDuty delegated administrator."
            )
        del store.administrator_of[(account, region)]
        if member is not None:
            member.set_status("Resigned")
        return {}


disassociate_from_master_account = disassociate_from_administrator_account
