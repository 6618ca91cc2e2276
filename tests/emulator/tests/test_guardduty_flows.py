"""GuardDuty behaviours that cross accounts and regions, as AWS documents them."""

from __future__ import annotations

import time

import botocore.exceptions
import pytest
from guardduty_helpers import MANAGEMENT, delegate_admin, feature_status


def _error(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


# -- detectors ------------------------------------------------------------------------
def test_create_detector_enables_every_plan_but_runtime_monitoring_and_one_per_region(aws):
    gd = aws("guardduty")
    detector_id = gd.create_detector(Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])[
        "DetectorId"
    ]
    detector = gd.get_detector(DetectorId=detector_id)
    status = feature_status(detector)
    assert status["S3_DATA_EVENTS"] == "DISABLED"
    assert status["RUNTIME_MONITORING"] == "DISABLED"
    assert all(status[name] == "ENABLED" for name in ("EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"))
    assert status["CLOUD_TRAIL"] == status["DNS_LOGS"] == status["FLOW_LOGS"] == "ENABLED"
    assert detector["DataSources"]["S3Logs"]["Status"] == "DISABLED"
    assert detector["FindingPublishingFrequency"] == "SIX_HOURS"
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        gd.create_detector(Enable=True)
    assert _error(excinfo) == (
        "BadRequestException",
        "The request is rejected because a detector already exists for the current account.",
    )
    # Regions are independent: another region has its own detector.
    assert aws("guardduty", "us-west-2").create_detector(Enable=True)["DetectorId"] != detector_id


def test_update_detector_merges_features_and_additional_configuration(aws):
    gd = aws("guardduty")
    detector_id = gd.create_detector(Enable=True)["DetectorId"]
    gd.update_detector(
        DetectorId=detector_id,
        FindingPublishingFrequency="FIFTEEN_MINUTES",
        Features=[
            {
                "Name": "RUNTIME_MONITORING",
                "Status": "ENABLED",
                "AdditionalConfiguration": [{"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "ENABLED"}],
            }
        ],
    )
    gd.update_detector(DetectorId=detector_id, Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])
    gd.update_detector(
        DetectorId=detector_id,
        Features=[
            {
                "Name": "RUNTIME_MONITORING",
                "AdditionalConfiguration": [{"Name": "EC2_AGENT_MANAGEMENT", "Status": "ENABLED"}],
            }
        ],
    )
    detector = gd.get_detector(DetectorId=detector_id)
    status = feature_status(detector)
    assert status["S3_DATA_EVENTS"] == "DISABLED"
    assert status["RUNTIME_MONITORING"] == "ENABLED"  # not replaced by the later, narrower updates
    assert status["EKS_AUDIT_LOGS"] == "ENABLED"
    runtime = next(f for f in detector["Features"] if f["Name"] == "RUNTIME_MONITORING")
    extras = {extra["Name"]: extra["Status"] for extra in runtime["AdditionalConfiguration"]}
    assert extras == {
        "EKS_ADDON_MANAGEMENT": "DISABLED",
        "ECS_FARGATE_AGENT_MANAGEMENT": "ENABLED",
        "EC2_AGENT_MANAGEMENT": "ENABLED",
    }
    assert detector["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"


def test_list_detectors_paginates_and_foreign_detector_is_not_owned(aws):
    gd = aws("guardduty")
    detector_id = gd.create_detector(Enable=True)["DetectorId"]
    pages = list(gd.get_paginator("list_detectors").paginate(PaginationConfig={"PageSize": 1}))
    assert [d for page in pages for d in page["DetectorIds"]] == [detector_id]
    other = aws("guardduty", account="210987654321")
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        other.get_detector(DetectorId=detector_id)
    assert "not owned by the current account" in _error(excinfo)[1]


# -- delegated administrator --------------------------------------------------------
def test_designating_the_admin_enables_trusted_access_and_its_detector(aws, sample_org):
    # User guide, organizations_permissions.html: designating the delegated administrator "enables
    # GuardDuty as a trusted service in AWS Organizations. It also enables GuardDuty for the
    # delegated GuardDuty administrator account ... in the current Region".
    admin = sample_org["log_account"]["id"]
    gd = aws("guardduty")
    org = aws("organizations")
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        aws("guardduty", account=admin).enable_organization_admin_account(AdminAccountId=admin)
    assert "not the management account" in _error(excinfo)[1]
    assert aws("guardduty", account=admin).list_detectors()["DetectorIds"] == []
    gd.enable_organization_admin_account(AdminAccountId=admin)
    enabled = org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    principals = {service["ServicePrincipal"] for service in enabled}
    assert "guardduty.amazonaws.com" in principals
    admin_client = aws("guardduty", account=admin)
    (detector_id,) = admin_client.list_detectors()["DetectorIds"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        admin_client.create_detector(Enable=True)
    assert "a detector already exists" in _error(excinfo)[1]
    assert aws("guardduty", "us-west-2", admin).list_detectors()["DetectorIds"] == []  # that Region only
    assert gd.list_organization_admin_accounts()["AdminAccounts"] == [
        {"AdminAccountId": admin, "AdminStatus": "ENABLED"}
    ]
    # One delegated administrator per organization: a different one is refused.
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        gd.enable_organization_admin_account(AdminAccountId=sample_org["members"][0]["id"])
    assert "already enabled" in _error(excinfo)[1]
    delegated = org.list_delegated_administrators(ServicePrincipal="guardduty.amazonaws.com")
    assert [a["Id"] for a in delegated["DelegatedAdministrators"]] == [admin]
    assert aws("guardduty", "us-west-2").list_organization_admin_accounts()["AdminAccounts"] == []


def test_the_admin_cannot_be_removed_while_it_has_members(aws, sample_org):
    # User guide, "Changing the delegated GuardDuty administrator account": disassociate and delete
    # every member before DisableOrganizationAdminAccount.
    admin, member = sample_org["log_account"]["id"], sample_org["members"][0]
    gd = aws("guardduty")
    gd.enable_organization_admin_account(AdminAccountId=admin)
    admin_gd = aws("guardduty", account=admin)
    detector = admin_gd.list_detectors()["DetectorIds"][0]
    details = [{"AccountId": member["id"], "Email": member["email"]}]
    created = admin_gd.create_members(DetectorId=detector, AccountDetails=details)
    assert created["UnprocessedAccounts"] == []
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        gd.disable_organization_admin_account(AdminAccountId=admin)
    assert "still has member accounts" in _error(excinfo)[1]
    admin_gd.disassociate_members(DetectorId=detector, AccountIds=[member["id"]])
    with pytest.raises(botocore.exceptions.ClientError):  # disassociated is not enough: deleted
        gd.disable_organization_admin_account(AdminAccountId=admin)
    admin_gd.delete_members(DetectorId=detector, AccountIds=[member["id"]])
    gd.disable_organization_admin_account(AdminAccountId=admin)
    assert gd.list_organization_admin_accounts()["AdminAccounts"] == [
        {"AdminAccountId": admin, "AdminStatus": "DISABLE_IN_PROGRESS"}
    ]


def test_disabling_the_admin_leaves_its_organizations_registration(aws, sample_org):
    # DisableOrganizationAdminAccount stops GuardDuty's administration; Organizations keeps the
    # registration until DeregisterDelegatedAdministrator (a separate call), and while it does,
    # another account cannot be designated.
    admin, other = sample_org["log_account"]["id"], sample_org["members"][0]["id"]
    gd, org = aws("guardduty"), aws("organizations")
    gd.enable_organization_admin_account(AdminAccountId=admin)
    gd.disable_organization_admin_account(AdminAccountId=admin)
    assert gd.list_organization_admin_accounts()["AdminAccounts"] == [
        {"AdminAccountId": admin, "AdminStatus": "DISABLE_IN_PROGRESS"}
    ]
    assert gd.list_organization_admin_accounts()["AdminAccounts"] == []
    delegated = org.list_delegated_administrators(ServicePrincipal="guardduty.amazonaws.com")
    assert [a["Id"] for a in delegated["DelegatedAdministrators"]] == [admin]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        gd.enable_organization_admin_account(AdminAccountId=other)
    assert "still registered as the delegated administrator" in _error(excinfo)[1]
    org.deregister_delegated_administrator(AccountId=admin, ServicePrincipal="guardduty.amazonaws.com")
    gd.enable_organization_admin_account(AdminAccountId=other)
    assert gd.list_organization_admin_accounts()["AdminAccounts"] == [
        {"AdminAccountId": other, "AdminStatus": "ENABLED"}
    ]


def test_organization_configuration_only_for_the_delegated_admin(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    client, detector_id = delegate_admin(aws, admin)
    mgmt = aws("guardduty")
    mgmt_detector = mgmt.create_detector(Enable=True)["DetectorId"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        mgmt.update_organization_configuration(DetectorId=mgmt_detector, AutoEnableOrganizationMembers="ALL")
    assert _error(excinfo) == (
        "BadRequestException",
        "The request failed because you do not have required AWS Organization master permission.",
    )
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.update_organization_configuration(
            DetectorId=detector_id, AutoEnable=True, AutoEnableOrganizationMembers="NEW"
        )
    assert "not both" in _error(excinfo)[1]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:  # neither is refused too
        client.update_organization_configuration(DetectorId=detector_id, Features=[])
    assert "either autoEnableOrganizationMembers or autoEnable" in _error(excinfo)[1]
    client.update_organization_configuration(
        DetectorId=detector_id,
        AutoEnableOrganizationMembers="NEW",
        Features=[{"Name": "S3_DATA_EVENTS", "AutoEnable": "NEW"}],
    )
    config = client.describe_organization_configuration(DetectorId=detector_id)
    assert config["AutoEnableOrganizationMembers"] == "NEW"
    assert {f["Name"]: f["AutoEnable"] for f in config["Features"]}["S3_DATA_EVENTS"] == "NEW"
    assert config["DataSources"]["S3Logs"]["AutoEnable"] is True


# -- members --------------------------------------------------------------------------
def test_organization_member_is_enabled_when_the_delegated_admin_adds_it(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    member = sample_org["members"][0]
    client, detector_id = delegate_admin(aws, admin)
    result = client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": member["id"], "Email": member["email"]}]
    )
    assert result["UnprocessedAccounts"] == []
    [record] = client.get_members(DetectorId=detector_id, AccountIds=[member["id"]])["Members"]
    assert record["RelationshipStatus"] == "Enabled"
    assert record["AdministratorId"] == admin
    # GuardDuty is on in the member account, and the member sees its administrator.
    member_gd = aws("guardduty", account=member["id"])
    [member_detector] = member_gd.list_detectors()["DetectorIds"]
    assert record["DetectorId"] == member_detector
    assert member_gd.get_administrator_account(DetectorId=member_detector)["Administrator"]["AccountId"] == admin
    # The member cannot disable GuardDuty while associated.
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        member_gd.delete_detector(DetectorId=member_detector)
    assert "Disassociate from the administrator" in _error(excinfo)[1]
    # Not in us-west-2: regions are independent.
    assert aws("guardduty", "us-west-2", member["id"]).list_detectors()["DetectorIds"] == []
    # A detector with members cannot be deleted.
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.delete_detector(DetectorId=detector_id)
    assert "member accounts" in _error(excinfo)[1]


def test_unprocessed_accounts_for_bad_id_wrong_email_self_and_other_administrator(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    outside = sample_org["outside"][0]
    client, detector_id = delegate_admin(aws, admin)
    other = aws("guardduty", account=MANAGEMENT)
    other_detector = other.create_detector(Enable=True)["DetectorId"]
    other.create_members(
        DetectorId=other_detector, AccountDetails=[{"AccountId": outside["id"], "Email": outside["email"]}]
    )
    other.invite_members(DetectorId=other_detector, AccountIds=[outside["id"]])
    invited = aws("guardduty", account=outside["id"])
    invited_detector = invited.create_detector(Enable=True)["DetectorId"]
    [invitation] = invited.list_invitations()["Invitations"]
    invited.accept_administrator_invitation(
        DetectorId=invited_detector, AdministratorId=MANAGEMENT, InvitationId=invitation["InvitationId"]
    )
    result = client.create_members(
        DetectorId=detector_id,
        AccountDetails=[
            {"AccountId": "12345678901x", "Email": "a@example.test"},
            {"AccountId": sample_org["outside"][1]["id"], "Email": "not-the-root@example.test"},
            {"AccountId": admin, "Email": sample_org["log_account"]["email"]},
            {"AccountId": outside["id"], "Email": outside["email"]},
        ],
    )
    reasons = {item["AccountId"]: item["Result"] for item in result["UnprocessedAccounts"]}
    assert set(reasons) == {"12345678901x", admin, outside["id"]}
    assert "not a valid AWS account ID" in reasons["12345678901x"]
    assert "cannot add itself" in reasons[admin]
    assert "another administrator" in reasons[outside["id"]]
    # An organization account's email is known from Organizations: a wrong one is refused at once.
    member = sample_org["members"][0]
    [wrong] = client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": member["id"], "Email": "someone@example.test"}]
    )["UnprocessedAccounts"]
    assert "email address does not match" in wrong["Result"]
    # Outside the organization the address is verified on invitation: EmailVerificationFailed.
    wrong_email = sample_org["outside"][1]["id"]
    [created] = client.list_members(DetectorId=detector_id, OnlyAssociated="false")["Members"]
    assert created["AccountId"] == wrong_email and created["RelationshipStatus"] == "Created"
    assert client.invite_members(DetectorId=detector_id, AccountIds=[wrong_email])["UnprocessedAccounts"] == []
    [failed] = client.get_members(DetectorId=detector_id, AccountIds=[wrong_email])["Members"]
    assert failed["RelationshipStatus"] == "EmailVerificationFailed"
    assert aws("guardduty", account=wrong_email).get_invitations_count()["InvitationsCount"] == 0


def test_batches_over_fifty_are_rejected(aws, sample_org):
    client, detector_id = delegate_admin(aws, sample_org["log_account"]["id"])
    details = [{"AccountId": f"{100000000000 + n}", "Email": f"a{n}@example.test"} for n in range(51)]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.create_members(DetectorId=detector_id, AccountDetails=details)
    assert _error(excinfo) == (
        "BadRequestException",
        "The request is rejected because an invalid or out-of-range value is specified as an input parameter.",
    )
    with pytest.raises(botocore.exceptions.ClientError):
        client.get_members(DetectorId=detector_id, AccountIds=[d["AccountId"] for d in details])
    with pytest.raises(botocore.exceptions.ClientError):
        client.list_members(DetectorId=detector_id, MaxResults=51)


def test_invitation_flow_per_region_created_invited_enabled(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    outside = sample_org["outside"][0]
    for region in ("us-east-1", "us-west-2"):
        client, detector_id = delegate_admin(aws, admin, region)
        client.create_members(
            DetectorId=detector_id, AccountDetails=[{"AccountId": outside["id"], "Email": outside["email"]}]
        )
        [member] = client.get_members(DetectorId=detector_id, AccountIds=[outside["id"]])["Members"]
        assert member["RelationshipStatus"] == "Created"
        assert client.list_members(DetectorId=detector_id)["Members"] == []  # OnlyAssociated defaults to true
        client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]], Message="join us")
        [member] = client.get_members(DetectorId=detector_id, AccountIds=[outside["id"]])["Members"]
        assert member["RelationshipStatus"] == "Invited"

    east = aws("guardduty", "us-east-1", outside["id"])
    west = aws("guardduty", "us-west-2", outside["id"])
    [invitation] = east.list_invitations()["Invitations"]
    assert invitation["AccountId"] == admin and east.get_invitations_count()["InvitationsCount"] == 1
    # Accepting needs a detector in that region.
    east_detector = east.create_detector(Enable=True)["DetectorId"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        east.accept_administrator_invitation(DetectorId=east_detector, AdministratorId=admin, InvitationId="nope")
    assert "invitationId" in _error(excinfo)[1]
    east.accept_administrator_invitation(
        DetectorId=east_detector, AdministratorId=admin, InvitationId=invitation["InvitationId"]
    )
    administrator = east.get_administrator_account(DetectorId=east_detector)["Administrator"]
    assert administrator["AccountId"] == admin and administrator["RelationshipStatus"] == "Enabled"
    assert east.get_master_account(DetectorId=east_detector)["Master"]["AccountId"] == admin
    assert east.list_invitations()["Invitations"] == []

    admin_east = aws("guardduty", "us-east-1", admin)
    admin_west = aws("guardduty", "us-west-2", admin)
    east_admin_detector = admin_east.list_detectors()["DetectorIds"][0]
    west_admin_detector = admin_west.list_detectors()["DetectorIds"][0]
    [member] = admin_east.list_members(DetectorId=east_admin_detector)["Members"]
    assert member["RelationshipStatus"] == "Enabled" and member["DetectorId"] == east_detector
    # us-west-2 is still pending until accepted there.
    [member] = admin_west.get_members(DetectorId=west_admin_detector, AccountIds=[outside["id"]])["Members"]
    assert member["RelationshipStatus"] == "Invited"
    [west_invitation] = west.list_invitations()["Invitations"]
    west_detector = west.create_detector(Enable=True)["DetectorId"]
    west.accept_invitation(DetectorId=west_detector, MasterId=admin, InvitationId=west_invitation["InvitationId"])
    [member] = admin_west.get_members(DetectorId=west_admin_detector, AccountIds=[outside["id"]])["Members"]
    assert member["RelationshipStatus"] == "Enabled"

    # The member leaves; the administrator removes it.
    east.disassociate_from_administrator_account(DetectorId=east_detector)
    assert east.get_administrator_account(DetectorId=east_detector)["Administrator"] == {}
    admin_east.delete_members(DetectorId=east_admin_detector, AccountIds=[outside["id"]])
    assert admin_east.list_members(DetectorId=east_admin_detector, OnlyAssociated="false")["Members"] == []


def invite_outside_account(aws, sample_org):
    """The log account delegated, the first outside account created as its member and invited:
    (administrator id, outside account, administrator's client, its detector id)."""
    admin = sample_org["log_account"]["id"]
    outside = sample_org["outside"][0]
    client, detector_id = delegate_admin(aws, admin)
    client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": outside["id"], "Email": outside["email"]}]
    )
    client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]])
    return admin, outside, client, detector_id


def test_an_enabled_member_keeps_its_detector_until_it_leaves_and_then_shows_resigned(aws, sample_org):
    """What the administrator's "Enabled" promises (the onboarding skips such members' own reads)."""
    admin, outside, client, detector_id = invite_outside_account(aws, sample_org)
    member_client = aws("guardduty", account=outside["id"])
    member_detector = member_client.create_detector(Enable=True)["DetectorId"]
    [invitation] = member_client.list_invitations()["Invitations"]
    member_client.accept_administrator_invitation(
        DetectorId=member_detector, AdministratorId=admin, InvitationId=invitation["InvitationId"])
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        member_client.delete_detector(DetectorId=member_detector)
    assert "Disassociate from the administrator account before disabling GuardDuty" in _error(excinfo)[1]
    [member] = client.get_members(DetectorId=detector_id, AccountIds=[outside["id"]])["Members"]
    assert member["RelationshipStatus"] == "Enabled" and member["DetectorId"] == member_detector

    member_client.disassociate_from_administrator_account(DetectorId=member_detector)
    [member] = client.get_members(DetectorId=detector_id, AccountIds=[outside["id"]])["Members"]
    assert member["RelationshipStatus"] == "Resigned"
    member_client.delete_detector(DetectorId=member_detector)
    assert member_client.list_detectors()["DetectorIds"] == []


def test_a_master_with_members_cannot_become_a_member(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    first, second = sample_org["outside"]
    client, detector_id = delegate_admin(aws, admin)
    # ``first`` is itself a master with ``second`` as its member.
    master = aws("guardduty", account=first["id"])
    master_detector = master.create_detector(Enable=True)["DetectorId"]
    master.create_members(
        DetectorId=master_detector, AccountDetails=[{"AccountId": second["id"], "Email": second["email"]}]
    )
    # The administrator cannot even add it (it has members) ...
    result = client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": first["id"], "Email": first["email"]}]
    )
    assert "administrator account with member accounts" in result["UnprocessedAccounts"][0]["Result"]
    # ... and an invitation made before it had members cannot be accepted now.
    master.delete_members(DetectorId=master_detector, AccountIds=[second["id"]])
    client.create_members(DetectorId=detector_id, AccountDetails=[{"AccountId": first["id"], "Email": first["email"]}])
    client.invite_members(DetectorId=detector_id, AccountIds=[first["id"]])
    master.create_members(
        DetectorId=master_detector, AccountDetails=[{"AccountId": second["id"], "Email": second["email"]}]
    )
    [invitation] = master.list_invitations()["Invitations"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        master.accept_administrator_invitation(
            DetectorId=master_detector, AdministratorId=admin, InvitationId=invitation["InvitationId"]
        )
    assert "cannot become a member" in _error(excinfo)[1]


def test_decline_and_delete_invitations(aws, sample_org):
    admin, outside, client, detector_id = invite_outside_account(aws, sample_org)
    invitee = aws("guardduty", account=outside["id"])
    assert invitee.decline_invitations(AccountIds=[admin])["UnprocessedAccounts"] == []
    [member] = client.get_members(DetectorId=detector_id, AccountIds=[outside["id"]])["Members"]
    assert member["RelationshipStatus"] == "Resigned"
    assert invitee.get_invitations_count()["InvitationsCount"] == 0
    client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]])
    assert invitee.delete_invitations(AccountIds=[admin])["UnprocessedAccounts"] == []
    [unprocessed] = invitee.delete_invitations(AccountIds=[admin])["UnprocessedAccounts"]
    assert unprocessed["AccountId"] == admin


def _wait_for_members(client, detector_id, count, timeout=15.0):
    """List the members until ``count`` are there (auto-enable enrols in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        listed = client.list_members(DetectorId=detector_id)["Members"]
        if len(listed) >= count or time.monotonic() > deadline:
            return listed
        time.sleep(0.2)


def test_auto_enable_all_and_new_apply_detectors_and_features(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    members = sample_org["members"]
    client, detector_id = delegate_admin(aws, admin)
    # An org account already running GuardDuty (with S3 protection off) is adopted.
    existing = aws("guardduty", account=members[0]["id"])
    existing_detector = existing.create_detector(
        Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}]
    )["DetectorId"]
    client.update_organization_configuration(
        DetectorId=detector_id,
        AutoEnableOrganizationMembers="ALL",
        Features=[
            {"Name": "S3_DATA_EVENTS", "AutoEnable": "ALL"},
            {"Name": "RDS_LOGIN_EVENTS", "AutoEnable": "NEW"},
        ],
    )
    # API_UpdateOrganizationConfiguration: "It may take up to 24 hours to update the configuration
    # for all the member accounts". Meanwhile an account is not listed, and CreateMembers answers
    # that it is already a member or associated member.
    assert client.list_members(DetectorId=detector_id)["Members"] == []
    enrolling = client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": members[2]["id"], "Email": members[2]["email"]}]
    )["UnprocessedAccounts"]
    assert [entry["AccountId"] for entry in enrolling] == [members[2]["id"]]
    assert "already a member or associated member" in enrolling[0]["Result"]
    listed = _wait_for_members(client, detector_id, len(members))
    # Suspended account left out; so is the management account until it enables GuardDuty itself.
    assert {m["AccountId"] for m in listed} == {m["id"] for m in members}
    assert all(m["RelationshipStatus"] == "Enabled" for m in listed)
    assert existing.list_detectors()["DetectorIds"] == [existing_detector]  # adopted, not a second one
    configs = client.get_member_detectors(DetectorId=detector_id, AccountIds=[m["id"] for m in members])
    by_account = {c["AccountId"]: feature_status(c) for c in configs["MemberDataSourceConfigurations"]}
    assert all(status["S3_DATA_EVENTS"] == "ENABLED" for status in by_account.values())
    assert by_account[members[1]["id"]]["RDS_LOGIN_EVENTS"] == "ENABLED"
    # With ALL, organization members cannot be deleted.
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.delete_members(DetectorId=detector_id, AccountIds=[members[1]["id"]])
    assert "ALL" in _error(excinfo)[1]
    # NEW: only accounts that join from now on.
    client.update_organization_configuration(DetectorId=detector_id, AutoEnableOrganizationMembers="NEW")
    client.disassociate_members(DetectorId=detector_id, AccountIds=[members[1]["id"]])
    client.delete_members(DetectorId=detector_id, AccountIds=[members[1]["id"]])
    org = aws("organizations")
    new_id = org.create_account(AccountName="late", Email="aws+late@example.test")["CreateAccountStatus"]["AccountId"]
    # A later configuration change does not forget the account that joined meanwhile.
    client.update_organization_configuration(
        DetectorId=detector_id,
        AutoEnableOrganizationMembers="NEW",
        Features=[{"Name": "EKS_AUDIT_LOGS", "AutoEnable": "NEW"}],
    )
    listed = {m["AccountId"] for m in client.list_members(DetectorId=detector_id)["Members"]}
    assert new_id in listed and members[1]["id"] not in listed


def test_update_member_detectors_per_member_and_unprocessed_non_members(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    member = sample_org["members"][0]
    client, detector_id = delegate_admin(aws, admin)
    client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": member["id"], "Email": member["email"]}]
    )
    result = client.update_member_detectors(
        DetectorId=detector_id,
        AccountIds=[member["id"], "111111111111"],
        Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}, {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"}],
    )
    assert result["UnprocessedAccounts"] == [
        {
            "AccountId": "111111111111",
            "Result": "The request is rejected because the given account ID is not an associated member of account "
            "the current account.",
        }
    ]
    [config] = client.get_member_detectors(DetectorId=detector_id, AccountIds=[member["id"]])[
        "MemberDataSourceConfigurations"
    ]
    status = feature_status(config)
    assert status["S3_DATA_EVENTS"] == "ENABLED" and status["EKS_AUDIT_LOGS"] == "DISABLED"
    # The org member cannot change what its delegated administrator manages.
    member_gd = aws("guardduty", account=member["id"])
    with pytest.raises(botocore.exceptions.ClientError):
        member_gd.update_detector(
            DetectorId=member_gd.list_detectors()["DetectorIds"][0],
            Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}],
        )


def test_list_members_paginates(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    client, detector_id = delegate_admin(aws, admin)
    client.create_members(
        DetectorId=detector_id,
        AccountDetails=[{"AccountId": m["id"], "Email": m["email"]} for m in sample_org["members"]],
    )
    pages = list(
        client.get_paginator("list_members").paginate(DetectorId=detector_id, PaginationConfig={"PageSize": 2})
    )
    assert [len(page["Members"]) for page in pages] == [2, 1]


def test_existing_members_invitations_and_the_management_account_are_reported(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    member, outside = sample_org["members"][0], sample_org["outside"][0]
    management_email = sample_org["management"]["email"]
    client, detector_id = delegate_admin(aws, admin)
    details = [
        {"AccountId": member["id"], "Email": member["email"]},
        {"AccountId": outside["id"], "Email": outside["email"]},
    ]
    assert client.create_members(DetectorId=detector_id, AccountDetails=details)["UnprocessedAccounts"] == []
    again = client.create_members(DetectorId=detector_id, AccountDetails=details)["UnprocessedAccounts"]
    assert {item["AccountId"]: item["Result"] for item in again} == {
        account_id: "The request is rejected because the given account ID is already a member or associated member "
        "of the current account."
        for account_id in (member["id"], outside["id"])
    }
    assert client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]])["UnprocessedAccounts"] == []
    [twice] = client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]])["UnprocessedAccounts"]
    assert twice["Result"] == (
        "The request is rejected because the current account has already invited or is already the GuardDuty "
        "master of the given member account ID."
    )
    # The management account must enable GuardDuty before it can be a member (DESIGN lesson 3).
    management = [{"AccountId": MANAGEMENT, "Email": management_email}]
    [refused] = client.create_members(DetectorId=detector_id, AccountDetails=management)["UnprocessedAccounts"]
    assert refused["Result"] == (
        "Operation failed because your organization master must first enable GuardDuty to be added as a member"
    )
    aws("guardduty").create_detector(Enable=True)
    assert client.create_members(DetectorId=detector_id, AccountDetails=management)["UnprocessedAccounts"] == []
    # A disassociated organization account is associated again by CreateMembers.
    client.disassociate_members(DetectorId=detector_id, AccountIds=[member["id"]])
    assert client.create_members(DetectorId=detector_id, AccountDetails=details[:1])["UnprocessedAccounts"] == []
    [record] = client.get_members(DetectorId=detector_id, AccountIds=[member["id"]])["Members"]
    assert record["RelationshipStatus"] == "Enabled"


def test_stop_and_start_monitoring_members(aws, sample_org):
    admin = sample_org["log_account"]["id"]
    member = sample_org["members"][0]
    client, detector_id = delegate_admin(aws, admin)
    client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": member["id"], "Email": member["email"]}]
    )
    assert (
        client.stop_monitoring_members(DetectorId=detector_id, AccountIds=[member["id"]])["UnprocessedAccounts"] == []
    )
    [record] = client.get_members(DetectorId=detector_id, AccountIds=[member["id"]])["Members"]
    assert record["RelationshipStatus"] == "Disabled"
    client.start_monitoring_members(DetectorId=detector_id, AccountIds=[member["id"]])
    [record] = client.get_members(DetectorId=detector_id, AccountIds=[member["id"]])["Members"]
    assert record["RelationshipStatus"] == "Enabled"
    [unprocessed] = client.start_monitoring_members(DetectorId=detector_id, AccountIds=["111111111111"])[
        "UnprocessedAccounts"
    ]
    assert unprocessed["AccountId"] == "111111111111"


def test_deprecated_data_sources_map_onto_features(aws):
    gd = aws("guardduty")
    detector_id = gd.create_detector(
        Enable=True, DataSources={"S3Logs": {"Enable": False}, "Kubernetes": {"AuditLogs": {"Enable": False}}}
    )["DetectorId"]
    detector = gd.get_detector(DetectorId=detector_id)
    status = feature_status(detector)
    assert status["S3_DATA_EVENTS"] == status["EKS_AUDIT_LOGS"] == "DISABLED"
    assert detector["DataSources"]["Kubernetes"]["AuditLogs"]["Status"] == "DISABLED"
    gd.update_detector(DetectorId=detector_id, DataSources={"S3Logs": {"Enable": True}})
    detector = gd.get_detector(DetectorId=detector_id)
    assert feature_status(detector)["S3_DATA_EVENTS"] == "ENABLED"
    assert detector["DataSources"]["S3Logs"]["Status"] == "ENABLED"
    assert feature_status(detector)["EKS_AUDIT_LOGS"] == "DISABLED"  # untouched
    gd.update_detector(DetectorId=detector_id, Enable=False)
    assert gd.get_detector(DetectorId=detector_id)["Status"] == "DISABLED"


def test_reset_forgets_every_guardduty_relationship(aws, clean_emulator, sample_org):
    admin = sample_org["log_account"]["id"]
    member = sample_org["members"][0]
    client, detector_id = delegate_admin(aws, admin)
    client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": member["id"], "Email": member["email"]}]
    )
    clean_emulator.control("POST", "reset")
    assert client.list_detectors()["DetectorIds"] == []
    assert aws("guardduty", account=member["id"]).list_detectors()["DetectorIds"] == []
