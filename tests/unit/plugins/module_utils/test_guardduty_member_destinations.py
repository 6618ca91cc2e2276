"""Many accounts' publishing destinations: one AssumeRole per account, per-pair results and
failures that name the account and region, with botocore's Stubber (no network)."""

import threading

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import guardduty_member_destinations as gmd
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    AccountAccessError,
    failure_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY

BUCKET_ARN = "arn:aws:s3:::acme-guardduty-radiantsecurity"
KEY_ARN = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"


def _client(service, region="us-east-1"):
    return boto3.client(service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x")


class StubbedClients:
    """AccountSessions' interface over stubbed clients: ``assumed`` records every AssumeRole."""

    def __init__(self, guardduty_by_pair, denied=()):
        self.guardduty_by_pair = guardduty_by_pair
        self.denied = set(denied)
        self.assumed = []
        self.lock = threading.Lock()

    def credentials(self, account_id, role_arn):
        with self.lock:
            self.assumed.append(account_id)
        if account_id in self.denied:
            raise AccountAccessError("account {0}: could not assume {1}: AccessDenied".format(account_id, role_arn))
        return {"aws_access_key_id": account_id}

    def guardduty(self, credentials, region):
        return self.guardduty_by_pair[(credentials["aws_access_key_id"], region)]


def _stubbed_guardduty(region, detector=True, destination=None):
    raw = _client("guardduty", region)
    stubber = Stubber(raw)
    stubber.add_response("list_detectors", {"DetectorIds": [DETECTOR] if detector else []})
    if detector:
        listed = [{"DestinationId": "d1", "DestinationType": "S3", "Status": "PUBLISHING"}] if destination else []
        stubber.add_response("list_publishing_destinations", {"Destinations": listed},
                             {"DetectorId": DETECTOR, "MaxResults": 50})
        if destination:
            stubber.add_response("describe_publishing_destination", {
                "DestinationId": "d1", "DestinationType": "S3", "Status": "PUBLISHING",
                "PublishingFailureStartTimestamp": 0,
                "DestinationProperties": {"DestinationArn": destination, "KmsKeyArn": KEY_ARN}},
                {"DetectorId": DETECTOR, "DestinationId": "d1"})
    stubber.activate()
    return RetryingBotoClientWrapper(raw, AWS_RETRY), stubber


def test_check_mode_reads_once_per_account_reports_detectors_and_plans_without_writes():
    pairs = {
        ("111111111111", "us-east-1"): _stubbed_guardduty("us-east-1", destination=BUCKET_ARN),
        ("111111111111", "us-west-2"): _stubbed_guardduty("us-west-2", destination=BUCKET_ARN + "/old"),
        ("222222222222", "us-east-1"): _stubbed_guardduty("us-east-1"),
        ("222222222222", "us-west-2"): _stubbed_guardduty("us-west-2", detector=False),
    }
    clients = StubbedClients({pair: client for pair, (client, _stubber) in pairs.items()})
    accounts = [{"account_id": "111111111111", "role_arn": "arn:aws:iam::111111111111:role/R"},
                {"account_id": "222222222222", "role_arn": "arn:aws:iam::222222222222:role/R"}]
    outcome = gmd.converge_accounts(clients, accounts, ["us-east-1", "us-west-2"], max_workers=4,
                                    destination_arn=BUCKET_ARN, kms_key_arn=KEY_ARN, check_mode=True)
    for stubber in [pair[1] for pair in pairs.values()]:
        stubber.assert_no_pending_responses()  # every stubbed read happened and no write was asked for
    assert sorted(clients.assumed) == ["111111111111", "222222222222"]
    assert [(e["account_id"], e["region"], e["changed"]) for e in outcome["destinations"]] == [
        ("111111111111", "us-east-1", False), ("111111111111", "us-west-2", True),
        ("222222222222", "us-east-1", True), ("222222222222", "us-west-2", False)]
    assert outcome["changed"] is True
    assert outcome["detector_arns"] == [
        "arn:aws:guardduty:us-east-1:111111111111:detector/" + DETECTOR,
        "arn:aws:guardduty:us-west-2:111111111111:detector/" + DETECTOR,
        "arn:aws:guardduty:us-east-1:222222222222:detector/" + DETECTOR]
    assert outcome["accounts_without_detector"] == [{"account_id": "222222222222", "region": "us-west-2"}]
    assert outcome["errors"] == []
    assert outcome["diff"]["before"] == {
        "111111111111/us-west-2": {"destination_id": "d1", "destination_arn": BUCKET_ARN + "/old",
                                   "kms_key_arn": KEY_ARN},
        "222222222222/us-east-1": None}
    assert outcome["diff"]["after"]["111111111111/us-west-2"]["destination_arn"] == BUCKET_ARN
    assert outcome["destinations"][2]["status"] == "PENDING_VERIFICATION"  # predicted for the new one


def test_an_account_whose_role_cannot_be_assumed_fails_once_and_the_others_still_run():
    client, stubber = _stubbed_guardduty("us-east-1", destination=BUCKET_ARN)
    clients = StubbedClients({("111111111111", "us-east-1"): client}, denied={"333333333333"})
    accounts = [{"account_id": "333333333333", "role_arn": "arn:aws:iam::333333333333:role/Missing"},
                {"account_id": "111111111111", "role_arn": "arn:aws:iam::111111111111:role/R"}]
    outcome = gmd.converge_accounts(clients, accounts, ["us-east-1"], destination_arn=BUCKET_ARN,
                                    kms_key_arn=KEY_ARN, check_mode=True)
    stubber.assert_no_pending_responses()
    assert outcome["errors"] == ["account 333333333333: could not assume arn:aws:iam::333333333333:role/Missing: "
                                 "AccessDenied"]
    assert outcome["destinations"][0]["error"] == outcome["errors"][0]
    assert outcome["destinations"][1]["detector_id"] == DETECTOR
    assert outcome["changed"] is False


def test_a_region_error_names_the_account_and_region():
    raw = _client("guardduty")
    with Stubber(raw) as stubber:
        stubber.add_client_error("list_detectors", "AccessDeniedException", "not authorized to perform ListDetectors",
                                 http_status_code=403)
        clients = StubbedClients({("111111111111", "us-east-1"): RetryingBotoClientWrapper(raw, AWS_RETRY)})
        outcome = gmd.converge_accounts(clients, [{"account_id": "111111111111"}], ["us-east-1"],
                                        destination_arn=BUCKET_ARN, kms_key_arn=KEY_ARN, check_mode=True)
    (error,) = outcome["errors"]
    assert error.startswith("account 111111111111, us-east-1: Failed to list the GuardDuty detectors in us-east-1")
    assert error.endswith("not authorized to perform ListDetectors")


def test_failure_message_counts_and_truncates():
    errors = ["account {0:012d}, us-east-1: no".format(i) for i in range(25)]
    message = failure_message(errors, 100)
    assert message.startswith("25 of 100 account-Region pairs failed: account 000000000000, us-east-1: no | ")
    assert "account 000000000019" in message and "account 000000000020" not in message
    assert message.endswith("... and 5 more (see errors)")


@pytest.mark.parametrize("workers", [1, 8])
def test_results_keep_the_given_account_order_whatever_the_parallelism(workers):
    accounts = [{"account_id": "{0:012d}".format(i)} for i in range(12)]
    pairs = {(a["account_id"], "us-east-1"): _stubbed_guardduty("us-east-1", detector=False)[0] for a in accounts}
    outcome = gmd.converge_accounts(StubbedClients(pairs), accounts, ["us-east-1"], max_workers=workers,
                                    destination_arn=BUCKET_ARN, kms_key_arn=KEY_ARN, check_mode=True)
    assert [e["account_id"] for e in outcome["destinations"]] == [a["account_id"] for a in accounts]
    assert len(outcome["accounts_without_detector"]) == 12
