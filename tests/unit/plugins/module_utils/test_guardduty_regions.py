"""Every Region in one task: one client per Region, results keyed by Region, failures per Region
reported together; and the outside accounts' invitations, one role session per account. botocore's
Stubber, no network."""

import threading
import time

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import guardduty_invitations as gi
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import guardduty_regions as gr
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    AccountAccessError,
    failure_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import GuardDutyError, find_detector_id

DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"
ADMIN = "111122223333"


def _guardduty(region, responses):
    raw = boto3.client("guardduty", region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(raw)
    for operation, response in responses:
        if isinstance(response, str):
            stubber.add_client_error(operation, service_error_code="BadRequestException", service_message=response,
                                     http_status_code=400)
        else:
            stubber.add_response(operation, response)
    stubber.activate()
    return RetryingBotoClientWrapper(raw, AWS_RETRY), stubber


def test_converge_regions_keys_results_by_region_in_the_given_order_with_one_client_each():
    stubs = {region: _guardduty(region, [("list_detectors", {"DetectorIds": [DETECTOR + region[-1]]})])
             for region in ("us-east-1", "eu-west-1", "ap-south-1")}
    built = []

    def client_for(region):
        built.append((region, threading.current_thread().name))
        return stubs[region][0]

    results, errors = gr.converge_regions(
        client_for, ["us-east-1", "eu-west-1", "ap-south-1"],
        lambda client, region: {"changed": region == "eu-west-1", "detector_id": find_detector_id(client, region)})

    assert errors == {}
    assert list(results) == ["us-east-1", "eu-west-1", "ap-south-1"]
    assert results["eu-west-1"] == {"changed": True, "detector_id": DETECTOR + "1", "error": None}
    assert results["ap-south-1"]["detector_id"] == DETECTOR + "1"
    # Clients are built up front, in the caller's thread, one per Region.
    assert [region for region, _thread in built] == ["us-east-1", "eu-west-1", "ap-south-1"]
    assert {thread for _region, thread in built} == {threading.current_thread().name}
    for _client, stubber in stubs.values():
        stubber.assert_no_pending_responses()


def test_a_failed_region_does_not_stop_the_others_and_keeps_what_the_failure_carried():
    stubs = {
        "us-east-1": _guardduty("us-east-1", [("list_detectors", {"DetectorIds": [DETECTOR]})]),
        "eu-west-1": _guardduty("eu-west-1", [("list_detectors", "The request is rejected because of a test.")]),
        "ap-south-1": _guardduty("ap-south-1", [("list_detectors", {"DetectorIds": []})]),
    }

    def converge(client, region):
        detector_id = find_detector_id(client, region)
        if detector_id is None:
            raise GuardDutyError("No detector in {0}".format(region), members=["444455556666"])
        return {"changed": False, "detector_id": detector_id}

    results, errors = gr.converge_regions(lambda region: stubs[region][0], list(stubs), converge)

    assert results["us-east-1"] == {"changed": False, "detector_id": DETECTOR, "error": None}
    assert set(errors) == {"eu-west-1", "ap-south-1"}
    assert errors["eu-west-1"].startswith("Failed to list the GuardDuty detectors in eu-west-1")
    assert errors["eu-west-1"].endswith("The request is rejected because of a test.")
    assert results["ap-south-1"] == {"changed": False, "members": ["444455556666"],
                                     "error": "No detector in ap-south-1"}


def test_regions_run_concurrently_within_the_bound():
    running, peak, lock = [0], [0], threading.Lock()

    def work(item):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return item * 2

    assert gr.run_concurrently(range(12), work, max_workers=4) == [i * 2 for i in range(12)]
    assert peak[0] == 4
    assert gr.run_concurrently([], work) == []


def test_unique_regions_keeps_order_and_refuses_an_empty_name():
    assert gr.unique_regions(["us-east-1", "eu-west-1", "us-east-1"]) == ["us-east-1", "eu-west-1"]
    with pytest.raises(GuardDutyError, match="regions: an empty Region name"):
        gr.unique_regions(["us-east-1", " "])


def test_combined_diff_holds_only_the_regions_that_changed():
    results = {
        "us-east-1": {"changed": True, "diff": {"before": {"a": 1}, "after": {"a": 2}}},
        "eu-west-1": {"changed": False, "diff": {"before": {"a": 2}, "after": {"a": 2}}},
    }
    assert gr.combined_diff(results) == {"before": {"us-east-1": {"a": 1}}, "after": {"us-east-1": {"a": 2}}}


def test_failure_message_names_the_account_and_every_region():
    message = gr.regions_failure_message({"eu-west-1": "boom", "ap-south-1": "bang"}, 17, "111122223333")
    assert message == ("GuardDuty failed in 2 of 17 Region(s) of account 111122223333: "
                       "account 111122223333, eu-west-1: boom | account 111122223333, ap-south-1: bang")
    many = gr.regions_failure_message({"r{0}".format(i): "x" for i in range(25)}, 25)
    assert many.endswith("| ... and 5 more (see errors)")


class StubbedAccounts:
    """AccountSessions' interface over stubbed clients; ``assumed`` records every AssumeRole."""

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
        return {"aws_access_key_id": account_id, "aws_secret_access_key": "SECRET-" + account_id}

    def guardduty(self, credentials, region):
        return self.guardduty_by_pair[(credentials["aws_access_key_id"], region)][0]


def _invited(region, accept=True):
    invitation = {"AccountId": ADMIN, "InvitationId": "inv-" + region, "RelationshipStatus": "Invited",
                  "InvitedAt": "2026-11-21T10:00:00.000Z"}
    responses = [
        ("list_detectors", {"DetectorIds": [DETECTOR]}),
        ("get_administrator_account", {"Administrator": {}}),
        ("list_invitations", {"Invitations": [invitation] if accept else []}),
    ]
    if accept:
        responses += [
            ("accept_administrator_invitation", {}),
            ("get_administrator_account", {"Administrator": dict(invitation, RelationshipStatus="Enabled")}),
            ("list_invitations", {"Invitations": []}),
        ]
    return _guardduty(region, responses)


def test_invitations_one_role_session_per_account_every_pair_accepted_and_no_credentials_returned():
    pairs = {(account, region): _invited(region) for account in ("444455556666", "777788889999")
             for region in ("us-east-1", "eu-west-1")}
    clients = StubbedAccounts(pairs)
    accounts = [{"account_id": "444455556666", "role_arn": "arn:aws:iam::444455556666:role/R"},
                {"account_id": 777788889999, "role_arn": "arn:aws:iam::777788889999:role/R"}]

    outcome = gi.converge_invitations(clients, accounts, ["us-east-1", "eu-west-1"], ADMIN, with_diff=True)

    assert sorted(clients.assumed) == ["444455556666", "777788889999"]
    assert outcome["changed"] and outcome["errors"] == []
    assert [(m["account_id"], m["region"]) for m in outcome["memberships"]] == [
        ("444455556666", "us-east-1"), ("444455556666", "eu-west-1"),
        ("777788889999", "us-east-1"), ("777788889999", "eu-west-1")]
    first = outcome["memberships"][0]
    assert first["administrator"]["relationship_status"] == "Enabled"
    assert first["diff"]["after"]["administrator"]["account_id"] == ADMIN
    assert sorted(outcome["diff"]["after"]) == ["444455556666/eu-west-1", "444455556666/us-east-1",
                                                "777788889999/eu-west-1", "777788889999/us-east-1"]
    assert "SECRET" not in repr(outcome)
    for _client, stubber in pairs.values():
        stubber.assert_no_pending_responses()


def test_invitation_failures_name_account_and_region_and_a_denied_role_is_said_once():
    pairs = {("444455556666", "us-east-1"): _invited("us-east-1"),
             ("444455556666", "eu-west-1"): _invited("eu-west-1", accept=False)}
    clients = StubbedAccounts(pairs, denied={"990000000002"})
    accounts = [{"account_id": "444455556666", "role_arn": "arn:aws:iam::444455556666:role/R"},
                {"account_id": "990000000002", "role_arn": "arn:aws:iam::990000000002:role/NoSuchRole"}]

    outcome = gi.converge_invitations(clients, accounts, ["us-east-1", "eu-west-1"], ADMIN)

    assert outcome["memberships"][0]["changed"] and outcome["memberships"][0]["error"] is None
    assert len(outcome["errors"]) == 2
    assert outcome["errors"][0].startswith("account 444455556666, eu-west-1: There is no pending GuardDuty invitation "
                                           "from administrator 111122223333 in eu-west-1")
    assert outcome["errors"][1] == ("account 990000000002: could not assume "
                                    "arn:aws:iam::990000000002:role/NoSuchRole: AccessDenied")
    assert [m["error"] is not None for m in outcome["memberships"]] == [False, True, True, True]
    assert failure_message(outcome["errors"], 4).startswith("2 of 4 account-Region pairs failed: ")
