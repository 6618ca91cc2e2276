"""Delegated administrator, organization configuration, invitations and export, with botocore's Stubber."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import guardduty
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import wait_for
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_export import (
    ensure_publishing_destination,
    pick_destination,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import features_from_params
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization import (
    ensure_invitation,
    ensure_organization_admin,
    ensure_organization_configuration,
    organization_admin_step_result,
)

DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"
ADMIN = "111122223333"
DECOY = "444455556666"
ROLE = "arn:aws:iam::999988887777:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"


@pytest.fixture
def stubbed():
    raw = boto3.client("guardduty", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(raw) as stubber:
        yield RetryingBotoClientWrapper(raw, AWS_RETRY), stubber
        stubber.assert_no_pending_responses()


def test_a_different_administrator_is_an_error_never_a_switch(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_organization_admin_accounts",
                         {"AdminAccounts": [{"AdminAccountId": DECOY, "AdminStatus": "ENABLED"}]}, {"MaxResults": 50})
    with pytest.raises(GuardDutyError, match="never switches administrators silently") as error:
        ensure_organization_admin(client, "us-east-1", ADMIN)
    assert "account_id={0} state=absent".format(DECOY) in error.value.message


def test_enabling_the_administrator_waits_until_enabled(stubbed, monkeypatch):
    client, stubber = stubbed
    slept = []

    def no_sleep_wait_for(*args, **kwargs):
        return wait_for(*args, sleep=slept.append, **kwargs)

    monkeypatch.setattr(guardduty, "wait_for", no_sleep_wait_for)
    stubber.add_response("list_organization_admin_accounts", {"AdminAccounts": []}, {"MaxResults": 50})
    stubber.add_response("enable_organization_admin_account", {}, {"AdminAccountId": ADMIN})
    stubber.add_response("list_organization_admin_accounts", {"AdminAccounts": []}, {"MaxResults": 50})
    stubber.add_response("list_organization_admin_accounts",
                         {"AdminAccounts": [{"AdminAccountId": ADMIN, "AdminStatus": "ENABLED"}]}, {"MaxResults": 50})
    outcome = ensure_organization_admin(client, "us-east-1", ADMIN)
    assert outcome["changed"]
    assert outcome["after"] == {"admin_account_id": ADMIN, "admin_status": "ENABLED"}
    assert len(slept) == 1  # one poll before AWS reported ENABLED


def test_administrator_check_mode_only_reads(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_organization_admin_accounts", {"AdminAccounts": []}, {"MaxResults": 50})
    outcome = ensure_organization_admin(client, "us-east-1", ADMIN, check_mode=True)
    assert outcome["changed"] and outcome["before"]["admin_status"] is None


def test_removing_the_administrator_disables_it_waits_and_reports_the_step_result(stubbed, monkeypatch):
    client, stubber = stubbed
    monkeypatch.setattr(guardduty, "wait_for", lambda *args, **kwargs: wait_for(*args, sleep=lambda _s: None, **kwargs))
    enabled = {"AdminAccounts": [{"AdminAccountId": ADMIN, "AdminStatus": "ENABLED"}]}
    stubber.add_response("list_organization_admin_accounts", enabled, {"MaxResults": 50})
    stubber.add_response("disable_organization_admin_account", {}, {"AdminAccountId": ADMIN})
    stubber.add_response("list_organization_admin_accounts", enabled, {"MaxResults": 50})
    stubber.add_response("list_organization_admin_accounts", {"AdminAccounts": []}, {"MaxResults": 50})
    outcome = ensure_organization_admin(client, "us-east-1", ADMIN, state="absent")
    assert outcome["changed"] and outcome["after"] == {"admin_account_id": None, "admin_status": None}
    result = organization_admin_step_result(outcome, with_diff=True)
    assert result["admin_account_id"] is None and result["admin_accounts"] == []
    assert result["diff"]["before"]["admin_status"] == "ENABLED"


def test_removing_an_administrator_that_is_not_there_only_reads(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_organization_admin_accounts", {"AdminAccounts": []}, {"MaxResults": 50})
    outcome = ensure_organization_admin(client, "us-east-1", ADMIN, state="absent")
    assert not outcome["changed"]
    assert organization_admin_step_result(outcome, with_diff=False) == {
        "changed": False, "admin_account_id": None, "admin_status": None, "admin_accounts": []}


def test_organization_configuration_always_names_the_member_mode_and_sends_only_changed_features(stubbed):
    client, stubber = stubbed
    config = {
        "MemberAccountLimitReached": False,
        "AutoEnableOrganizationMembers": "NEW",
        "Features": [{"Name": "S3_DATA_EVENTS", "AutoEnable": "NEW"}, {"Name": "EKS_AUDIT_LOGS", "AutoEnable": "ALL"}],
    }
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stubber.add_response("describe_organization_configuration", config, {"DetectorId": DETECTOR, "MaxResults": 50})
    stubber.add_response("update_organization_configuration", {}, {
        "DetectorId": DETECTOR, "AutoEnableOrganizationMembers": "NEW",
        "Features": [{"Name": "S3_DATA_EVENTS", "AutoEnable": "ALL"}],
    })
    after = dict(config, Features=[{"Name": "S3_DATA_EVENTS", "AutoEnable": "ALL"}, config["Features"][1]])
    stubber.add_response("describe_organization_configuration", after, {"DetectorId": DETECTOR, "MaxResults": 50})
    outcome = ensure_organization_configuration(
        client, "us-east-1",
        features=features_from_params([{"name": "S3_DATA_EVENTS", "auto_enable": "ALL"}], "auto_enable"),
    )
    assert outcome["changed"]
    assert outcome["configuration"]["auto_enable_organization_members"] == "NEW"


def test_only_the_expected_administrators_invitation_is_accepted(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stubber.add_response("get_administrator_account", {"Administrator": {}}, {"DetectorId": DETECTOR})
    stubber.add_response("list_invitations", {"Invitations": [
        {"AccountId": ADMIN, "InvitationId": "inv-admin", "InvitedAt": "2026-01-01T00:00:00Z"},
        {"AccountId": DECOY, "InvitationId": "inv-decoy", "InvitedAt": "2026-06-01T00:00:00Z"},  # later
    ]}, {"MaxResults": 50})
    stubber.add_response("accept_administrator_invitation", {}, {
        "DetectorId": DETECTOR, "AdministratorId": ADMIN, "InvitationId": "inv-admin",
    })
    stubber.add_response("get_administrator_account", {"Administrator": {
        "AccountId": ADMIN, "InvitationId": "inv-admin", "RelationshipStatus": "Enabled"}}, {"DetectorId": DETECTOR})
    stubber.add_response("list_invitations", {"Invitations": [
        {"AccountId": DECOY, "InvitationId": "inv-decoy"}]}, {"MaxResults": 50})
    outcome = ensure_invitation(client, "us-east-1", ADMIN)
    assert outcome["changed"]
    assert outcome["administrator"]["AccountId"] == ADMIN
    assert [i["AccountId"] for i in outcome["invitations"]] == [DECOY]


def test_no_invitation_from_the_expected_administrator_fails_and_names_the_others(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stubber.add_response("get_administrator_account", {"Administrator": {}}, {"DetectorId": DETECTOR})
    stubber.add_response("list_invitations", {"Invitations": [{"AccountId": DECOY, "InvitationId": "i"}]},
                         {"MaxResults": 50})
    with pytest.raises(GuardDutyError, match="left alone: " + DECOY) as error:
        ensure_invitation(client, "us-east-1", ADMIN)
    assert error.value.details["changed"] is False


def test_adoption_prefers_the_destination_with_the_same_bucket():
    destinations = [
        {"DestinationId": "a", "DestinationType": "S3", "DestinationProperties": {"DestinationArn": "arn:aws:s3:::x"}},
        {"DestinationId": "b", "DestinationType": "S3", "DestinationProperties": {"DestinationArn": "arn:aws:s3:::y"}},
    ]
    assert pick_destination(destinations, "arn:aws:s3:::y")["DestinationId"] == "b"
    assert pick_destination(destinations, "arn:aws:s3:::z")["DestinationId"] == "a"
    assert pick_destination([], "arn:aws:s3:::z") is None


def test_a_destination_unable_to_publish_fails_with_both_policies(stubbed):
    client, stubber = stubbed
    destination = {
        "DestinationId": "d1", "DestinationType": "S3", "Status": "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY",
        "PublishingFailureStartTimestamp": 1,
        "DestinationProperties": {"DestinationArn": "arn:aws:s3:::acme-gd/p",
                                  "KmsKeyArn": "arn:aws:kms:us-east-1:1:key/k"},
    }
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stubber.add_response("list_publishing_destinations", {"Destinations": [
        {"DestinationId": "d1", "DestinationType": "S3", "Status": destination["Status"]}]},
        {"DetectorId": DETECTOR, "MaxResults": 50})
    stubber.add_response("describe_publishing_destination", destination,
                         {"DetectorId": DETECTOR, "DestinationId": "d1"})
    stubber.add_response("get_detector", {"ServiceRole": ROLE, "Status": "ENABLED"}, {"DetectorId": DETECTOR})
    with pytest.raises(GuardDutyError) as error:
        ensure_publishing_destination(client, "us-east-1", "arn:aws:s3:::acme-gd/p", "arn:aws:kms:us-east-1:1:key/k")
    message = error.value.message
    assert "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY" in message
    assert "bucket policy of acme-gd" in message
    assert "s3:PutObject on arn:aws:s3:::acme-gd/p/*" in message
    assert "aws:SourceArn = arn:aws:guardduty:us-east-1:999988887777:detector/" + DETECTOR in message
    assert "key policy of arn:aws:kms:us-east-1:1:key/k" in message
