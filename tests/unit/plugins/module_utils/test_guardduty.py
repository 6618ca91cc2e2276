"""GuardDuty module_utils without a network: botocore's Stubber answers each call."""

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    advice_for,
    describe_organization_configuration,
    detector_arn,
    ensure_detector,
    error_message,
    explain,
    find_detector_id,
    is_not_delegated_admin,
    list_publishing_destinations,
    restore_detector,
    unprocessed_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import features_from_params

DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"


@pytest.fixture
def stubbed():
    raw = boto3.client(
        "guardduty", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(raw) as stubber:
        yield RetryingBotoClientWrapper(raw, AWS_RETRY), stubber
        stubber.assert_no_pending_responses()


def client_error(operation, message, code="BadRequestException"):
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


# ---------------------------------------------------------------- the advice table
@pytest.mark.parametrize(
    ("operation", "message", "expected"),
    [
        ("CreateDetector", "The request is rejected because a detector already exists for the current account.",
         "adopts the existing detector"),
        ("DeleteMembers", "... while autoEnableOrganizationMembers is set to ALL. Change it to NEW or NONE first.",
         "auto_enable_organization_members to NEW or NONE"),
        ("EnableOrganizationAdminAccount",
         "The request is rejected because trusted access for GuardDuty (guardduty.amazonaws.com) is not enabled",
         "trusted access for guardduty.amazonaws.com"),
        ("EnableOrganizationAdminAccount",
         "The request is rejected because another account is already enabled as the GuardDuty delegated administrator",
         "remove it first"),
        ("CreatePublishingDestination",
         "The request failed because the input destinationArn or kmsKeyArn does not have proper permissions for the "
         "given KMS or destination.", "bucket policy of acme-gd"),
        ("CreatePublishingDestination", "The request failed because the resource folder does not exist.",
         "must already exist as a folder"),
        ("CreateMembers", "The request is rejected because the email address does not match the email address of the "
         "account.", "root user email address for 111122223333"),
        ("DescribeOrganizationConfiguration",
         "The request failed because you do not have required AWS Organization master permission.",
         "delegated administrator account of us-east-1"),
    ],
)
def test_advice_table_tells_cases_apart_by_message(operation, message, expected):
    context = {"region": "us-east-1", "bucket": "acme-gd", "account_id": "111122223333"}
    assert expected in advice_for(operation, message, context)


def test_publishing_refusal_names_both_policies_and_the_detector_arn():
    arn = "arn:aws:guardduty:us-east-1:111122223333:detector/" + DETECTOR
    error = explain(
        client_error("CreatePublishingDestination", "does not have proper permissions"),
        "create the publishing destination",
        {"region": "us-east-1", "bucket": "acme-gd", "destination_arn": "arn:aws:s3:::acme-gd",
         "kms_key_arn": "arn:aws:kms:us-east-1:111122223333:key/k", "account_id": "111122223333",
         "detector_arn": arn},
    )
    assert "Fix the bucket policy of acme-gd" in error.message
    assert "s3:PutObject on arn:aws:s3:::acme-gd/*" in error.message
    assert "Fix the key policy of arn:aws:kms:us-east-1:111122223333:key/k" in error.message
    assert "aws:SourceArn = " + arn in error.message
    assert error.message.endswith("AWS said")


def test_unknown_errors_keep_aws_message_without_advice():
    error = explain(client_error("GetDetector", "Something new"), "read the detector")
    assert error.message == "Failed to read the detector"
    assert error.error.response["Error"]["Message"] == "Something new"


def test_missing_context_stays_visible_instead_of_raising():
    assert "<bucket>" in advice_for("UpdatePublishingDestination", "kms key denied", {})


def test_unprocessed_accounts_are_each_listed_with_aws_reason_and_advice():
    message = unprocessed_message(
        [
            {"account_id": "990000000001", "operation": "CreateMembers",
             "result": "The request is rejected because the email address does not match"},
            {"account_id": "990000000002", "operation": "InviteMembers", "result": "Some new reason"},
        ],
        "manage GuardDuty members",
        {"region": "us-east-1"},
    )
    assert message.startswith("AWS did not process 2 account(s) while trying to manage GuardDuty members")
    assert "990000000001 (CreateMembers): The request is rejected because the email" in message
    assert "root user email address for 990000000001" in message
    assert "990000000002 (InviteMembers): Some new reason" in message


def test_not_delegated_admin_is_recognised_only_for_organization_configuration():
    message = "The request failed because you do not have required AWS Organization master permission."
    assert is_not_delegated_admin(client_error("DescribeOrganizationConfiguration", message))
    assert not is_not_delegated_admin(client_error("GetDetector", message))
    assert not is_not_delegated_admin(client_error("DescribeOrganizationConfiguration", "Internal failure"))


# ---------------------------------------------------------------- retries
def test_throttling_and_server_errors_are_retried(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    calls = []

    @AWS_RETRY
    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise client_error("ListDetectors", "Rate exceeded", "ThrottlingException")
        if len(calls) == 2:
            raise client_error("ListDetectors", "internal", "InternalServerErrorException")
        return "ok"

    assert flaky() == "ok"
    assert len(calls) == 3


def test_bad_requests_are_not_retried(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    calls = []

    @AWS_RETRY
    def refused():
        calls.append(1)
        raise client_error("CreateMembers", "invalid")

    with pytest.raises(ClientError):
        refused()
    assert len(calls) == 1


# ---------------------------------------------------------------- paginated reads
def test_publishing_destinations_are_paged_by_next_token(stubbed):
    client, stubber = stubbed
    page = {"DestinationType": "S3", "Status": "PUBLISHING"}
    stubber.add_response(
        "list_publishing_destinations",
        {"Destinations": [dict(page, DestinationId="a")], "NextToken": "t1"},
        {"DetectorId": DETECTOR, "MaxResults": 50},
    )
    stubber.add_response(
        "list_publishing_destinations",
        {"Destinations": [dict(page, DestinationId="b")]},
        {"DetectorId": DETECTOR, "MaxResults": 50, "NextToken": "t1"},
    )
    assert [d["DestinationId"] for d in list_publishing_destinations(client, DETECTOR)] == ["a", "b"]


def test_organization_configuration_feature_pages_are_merged(stubbed):
    client, stubber = stubbed
    stubber.add_response(
        "describe_organization_configuration",
        {"MemberAccountLimitReached": False, "AutoEnableOrganizationMembers": "ALL",
         "Features": [{"Name": "S3_DATA_EVENTS", "AutoEnable": "ALL"}], "NextToken": "n"},
        {"DetectorId": DETECTOR, "MaxResults": 50},
    )
    stubber.add_response(
        "describe_organization_configuration",
        {"MemberAccountLimitReached": False, "AutoEnableOrganizationMembers": "ALL",
         "Features": [{"Name": "EKS_AUDIT_LOGS", "AutoEnable": "NEW"}]},
        {"DetectorId": DETECTOR, "MaxResults": 50, "NextToken": "n"},
    )
    config = describe_organization_configuration(client, DETECTOR)
    assert [f["Name"] for f in config["Features"]] == ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS"]
    assert "NextToken" not in config


# ---------------------------------------------------------------- the region's detector
def test_two_detectors_are_refused_rather_than_guessed(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_detectors", {"DetectorIds": ["a", "b"]}, {})
    with pytest.raises(GuardDutyError, match="GuardDuty allows one per account and region"):
        find_detector_id(client, "us-east-1")


def test_existing_detector_is_adopted_and_only_the_difference_is_sent(stubbed):
    client, stubber = stubbed
    detector = {
        "ServiceRole": "arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/X",
        "Status": "ENABLED",
        "FindingPublishingFrequency": "SIX_HOURS",
        "Features": [
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            {"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"},
        ],
    }
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stubber.add_response("get_detector", detector, {"DetectorId": DETECTOR})
    stubber.add_response(
        "update_detector",
        {},
        {
            "DetectorId": DETECTOR,
            "FindingPublishingFrequency": "FIFTEEN_MINUTES",
            "Features": [{"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"}],
        },
    )
    after = dict(detector, FindingPublishingFrequency="FIFTEEN_MINUTES",
                 Features=[detector["Features"][0], {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"}])
    stubber.add_response("get_detector", after, {"DetectorId": DETECTOR})
    outcome = ensure_detector(
        client, "us-east-1", frequency="FIFTEEN_MINUTES",
        features=features_from_params([{"name": "S3_DATA_EVENTS", "status": "ENABLED"},
                                       {"name": "EKS_AUDIT_LOGS", "status": "DISABLED"}]),
    )
    assert outcome["changed"] and not outcome["created"]
    assert outcome["before"]["features"]["EKS_AUDIT_LOGS"]["status"] == "ENABLED"
    assert outcome["after"]["features"]["EKS_AUDIT_LOGS"]["status"] == "DISABLED"


CUSTOMER_DETECTOR = {
    "ServiceRole": "arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/X",
    "Status": "ENABLED",
    "FindingPublishingFrequency": "ONE_HOUR",
    "Tags": {"owner": "customer"},
}
DETECTOR_ARN = "arn:aws:guardduty:us-east-1:111122223333:detector/" + DETECTOR
FREQUENCY_TAG = "radiant:previous-finding-publishing-frequency"


def test_an_adopted_detectors_frequency_is_recorded_before_it_changes(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stubber.add_response("get_detector", dict(CUSTOMER_DETECTOR), {"DetectorId": DETECTOR})
    stubber.add_response("tag_resource", {}, {"ResourceArn": DETECTOR_ARN, "Tags": {FREQUENCY_TAG: "ONE_HOUR"}})
    stubber.add_response("update_detector", {},
                         {"DetectorId": DETECTOR, "FindingPublishingFrequency": "FIFTEEN_MINUTES"})
    stubber.add_response("get_detector", dict(CUSTOMER_DETECTOR, FindingPublishingFrequency="FIFTEEN_MINUTES"),
                         {"DetectorId": DETECTOR})
    outcome = ensure_detector(client, "us-east-1", frequency="FIFTEEN_MINUTES", record_previous=True)
    assert outcome["after"]["finding_publishing_frequency"] == "FIFTEEN_MINUTES"


def test_a_record_already_there_is_kept(stubbed):
    # Drift after the onboarding (SIX_HOURS) must not replace the customer's own ONE_HOUR.
    client, stubber = stubbed
    drifted = dict(CUSTOMER_DETECTOR, FindingPublishingFrequency="SIX_HOURS",
                   Tags={"owner": "customer", FREQUENCY_TAG: "ONE_HOUR"})
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stubber.add_response("get_detector", drifted, {"DetectorId": DETECTOR})
    stubber.add_response("update_detector", {},
                         {"DetectorId": DETECTOR, "FindingPublishingFrequency": "FIFTEEN_MINUTES"})
    stubber.add_response("get_detector", dict(drifted, FindingPublishingFrequency="FIFTEEN_MINUTES"),
                         {"DetectorId": DETECTOR})
    ensure_detector(client, "us-east-1", frequency="FIFTEEN_MINUTES", record_previous=True)


def test_restore_puts_the_recorded_frequency_back_and_drops_the_record(stubbed):
    client, stubber = stubbed
    onboarded = dict(CUSTOMER_DETECTOR, FindingPublishingFrequency="FIFTEEN_MINUTES",
                     Tags={"owner": "customer", FREQUENCY_TAG: "ONE_HOUR"})
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stubber.add_response("get_detector", onboarded, {"DetectorId": DETECTOR})
    stubber.add_response("update_detector", {}, {"DetectorId": DETECTOR, "FindingPublishingFrequency": "ONE_HOUR"})
    stubber.add_response("untag_resource", {}, {"ResourceArn": DETECTOR_ARN, "TagKeys": [FREQUENCY_TAG]})
    stubber.add_response("get_detector", dict(CUSTOMER_DETECTOR), {"DetectorId": DETECTOR})
    outcome = restore_detector(client, "us-east-1")
    assert outcome["changed"]
    assert outcome["before"]["finding_publishing_frequency"] == "FIFTEEN_MINUTES"
    assert outcome["after"]["finding_publishing_frequency"] == "ONE_HOUR"


@pytest.mark.parametrize("check_mode", [True, False])
def test_restore_without_a_record_or_in_check_mode_writes_nothing(stubbed, check_mode):
    client, stubber = stubbed
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    recorded = dict(CUSTOMER_DETECTOR, Tags={FREQUENCY_TAG: "SIX_HOURS"})
    stubber.add_response("get_detector", recorded if check_mode else dict(CUSTOMER_DETECTOR), {"DetectorId": DETECTOR})
    outcome = restore_detector(client, "us-east-1", check_mode=check_mode)
    assert outcome["changed"] == check_mode
    assert outcome["after"]["finding_publishing_frequency"] == ("SIX_HOURS" if check_mode else "ONE_HOUR")


def test_check_mode_reads_and_never_writes(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_detectors", {"DetectorIds": []}, {})
    outcome = ensure_detector(client, "us-east-1", features=features_from_params(
        [{"name": "S3_DATA_EVENTS", "status": "DISABLED"}]), check_mode=True)
    assert outcome["changed"] and outcome["created"]
    assert outcome["after"]["features"]["S3_DATA_EVENTS"]["status"] == "DISABLED"
    assert outcome["after"]["features"]["RUNTIME_MONITORING"]["status"] == "DISABLED"
    assert outcome["after"]["features"]["EKS_AUDIT_LOGS"]["status"] == "ENABLED"


def test_create_sends_only_listed_features(stubbed):
    client, stubber = stubbed
    stubber.add_response("list_detectors", {"DetectorIds": []}, {})
    stubber.add_response(
        "create_detector", {"DetectorId": DETECTOR},
        {"Enable": True, "Features": [{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}]},
    )
    stubber.add_response("get_detector", {"ServiceRole": "r", "Status": "ENABLED"}, {"DetectorId": ANY})
    outcome = ensure_detector(client, "us-east-1", features=features_from_params(
        [{"name": "S3_DATA_EVENTS", "status": "DISABLED"}]))
    assert outcome["created"]
    assert outcome["after"]["detector_id"] == DETECTOR


@pytest.mark.parametrize("region, partition", [("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"),
                                               ("cn-north-1", "aws-cn")])
def test_detector_arn_is_in_the_partition_of_its_region(region, partition):
    assert detector_arn(region, "111122223333", "d1") == (
        "arn:{0}:guardduty:{1}:111122223333:detector/d1".format(partition, region))


def test_error_message_is_aws_s_message_or_the_exception_s_text():
    error = ClientError({"Error": {"Code": "BadRequestException", "Message": "nope"}}, "ListMembers")
    assert error_message(error) == "nope"
    assert error_message(ValueError("plain")) == "plain"
