"""cloudtrail_trail with ``accounts``: the same trail in many accounts in one run, each through its own role
session (one AssumeRole), results and diffs by account in the given order, failures collected and named,
check mode writing nothing; botocore's Stubber answers every call (no network)."""

import threading

import boto3
import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import cloudtrail as ct
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import AccountAccessError
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY

NAME = "management-events"
REGION = "us-east-1"
PARAMS = {"name": NAME, "s3_bucket_name": "central-logs", "s3_key_prefix": "external", "is_multi_region_trail": True,
          "management_events": "all", "tags": {"managed-by": "radiant"}, "purge_tags": False}
SELECTORS = ct.build_advanced_event_selectors("all", None)
FIRST, SECOND, DENIED = "111111111111", "222222222222", "333333333333"


def role(account_id):
    return "arn:aws:iam::{0}:role/OrganizationAccountAccessRole".format(account_id)


def trail_arn(account_id):
    return "arn:aws:cloudtrail:{0}:{1}:trail/{2}".format(REGION, account_id, NAME)


def described(account_id, **changes):
    trail = {"Name": NAME, "S3BucketName": "central-logs", "S3KeyPrefix": "external",
             "IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": True, "HomeRegion": REGION,
             "TrailARN": trail_arn(account_id),
             "LogFileValidationEnabled": False, "HasCustomEventSelectors": True, "IsOrganizationTrail": False}
    trail.update(changes)
    return trail


def expect_read(stubber, trail, is_logging=True):
    stubber.add_response("describe_trails", {"trailList": [trail]},
                         {"trailNameList": [NAME], "includeShadowTrails": True})
    stubber.add_response("get_trail_status", {"IsLogging": is_logging}, {"Name": NAME})
    stubber.add_response("get_event_selectors", {"TrailARN": trail["TrailARN"], "AdvancedEventSelectors": SELECTORS},
                         {"TrailName": NAME})
    stubber.add_response("list_tags", {"ResourceTagList": [{"ResourceId": trail["TrailARN"],
                                                            "TagsList": [{"Key": "managed-by", "Value": "radiant"}]}]},
                         {"ResourceIdList": [trail["TrailARN"]]})


def expect_no_trail(stubber):
    stubber.add_response("describe_trails", {"trailList": []}, {"trailNameList": [NAME], "includeShadowTrails": True})


class StubbedSessions:
    """AccountSessions' interface over one stubbed CloudTrail client per account; ``assumed`` records every
    AssumeRole, ``services`` every client asked for. ``hold`` makes the first account's sign-in wait for
    the others, so its work ends last."""

    def __init__(self, account_ids, denied=(), hold=False):
        self.raw = dict((account_id, boto3.client("cloudtrail", region_name=REGION, aws_access_key_id="x",
                                                  aws_secret_access_key="x")) for account_id in account_ids)
        self.stubbers = dict((account_id, Stubber(client)) for account_id, client in self.raw.items())
        self.denied = set(denied)
        self.assumed, self.services = [], []
        self.lock = threading.Lock()
        self.others_done = threading.Event() if hold else None
        self.first = account_ids[0]
        self.finished = []
        for account_id, client in self.raw.items():
            # ListTags is the last read of a trail: record the order in which the accounts end.
            client.meta.events.register("after-call.cloudtrail.ListTags", self._finishing(account_id))

    def _finishing(self, account_id):
        def finished(**_kwargs):
            with self.lock:
                self.finished.append(account_id)
                if self.others_done is not None and len(self.finished) == len(self.raw) - 1:
                    self.others_done.set()
        return finished

    def credentials(self, account_id, role_arn):
        with self.lock:
            self.assumed.append((account_id, role_arn))
        if self.others_done is not None and account_id == self.first:
            assert self.others_done.wait(5), "the other accounts were not worked on at the same time"
        if account_id in self.denied:
            reason = "could not assume {0}: AccessDenied".format(role_arn)
            raise AccountAccessError("account {0}: {1}".format(account_id, reason), reason=reason)
        return {"aws_access_key_id": account_id}

    def client(self, service, credentials, region):
        with self.lock:
            self.services.append((service, credentials["aws_access_key_id"], region))
        assert service == "cloudtrail", "only CloudTrail is called: the account id is known, no sts:GetCallerIdentity"
        return RetryingBotoClientWrapper(self.raw[credentials["aws_access_key_id"]], AWS_RETRY)

    def __enter__(self):
        for stubber in self.stubbers.values():
            stubber.activate()
        return self

    def __exit__(self, *_exc):
        for stubber in self.stubbers.values():
            stubber.deactivate()


def accounts(*account_ids):
    return [{"account_id": account_id, "role_arn": role(account_id)} for account_id in account_ids]


def params(**changes):
    """The module's parameters as Ansible fills them (defaults included)."""
    validated = ArgumentSpecValidator(ct.trail_argument_spec(), **ct.TRAIL_OPTION_RULES).validate(
        dict(PARAMS, **changes))
    assert not validated.error_messages
    return validated.validated_parameters


def test_several_accounts_converge_and_one_whose_role_cannot_be_assumed_is_reported_by_name():
    with StubbedSessions([FIRST, SECOND, DENIED], denied=[DENIED]) as sessions:
        expect_no_trail(sessions.stubbers[FIRST])
        sessions.stubbers[FIRST].add_response("create_trail", {"Name": NAME, "TrailARN": trail_arn(FIRST)}, {
            "Name": NAME, "S3BucketName": "central-logs", "S3KeyPrefix": "external", "IsMultiRegionTrail": True,
            "TagsList": [{"Key": "managed-by", "Value": "radiant"}]})
        sessions.stubbers[FIRST].add_response("put_event_selectors", {},
                                              {"TrailName": NAME, "AdvancedEventSelectors": SELECTORS})
        sessions.stubbers[FIRST].add_response("start_logging", {}, {"Name": NAME})
        expect_read(sessions.stubbers[FIRST], described(FIRST))
        expect_read(sessions.stubbers[SECOND], described(SECOND))
        outcome = ct.converge_trail_accounts(sessions, accounts(FIRST, SECOND, DENIED), params(), REGION,
                                             max_workers=3, with_diff=True)
        for stubber in sessions.stubbers.values():
            stubber.assert_no_pending_responses()
    assert sorted(sessions.assumed) == [(FIRST, role(FIRST)), (SECOND, role(SECOND)), (DENIED, role(DENIED))]
    assert [(e["account_id"], e["changed"], e["trail"].get("arn")) for e in outcome["trails"]] == [
        (FIRST, True, trail_arn(FIRST)), (SECOND, False, trail_arn(SECOND)), (DENIED, False, None)]
    assert outcome["changed"] is True
    assert outcome["errors"] == ["account {0}, {1}: could not assume {2}: AccessDenied".format(
        DENIED, REGION, role(DENIED))]
    # Only the account that changed is in the diff, keyed by account.
    assert list(outcome["diff"]["before"]) == [FIRST] and outcome["diff"]["before"][FIRST] == {}
    assert outcome["diff"]["after"][FIRST]["arn"] == trail_arn(FIRST)
    assert outcome["trails"][1]["diff"]["before"] == outcome["trails"][1]["diff"]["after"]


def test_check_mode_reads_every_account_predicts_each_trail_in_its_own_account_and_writes_nothing():
    with StubbedSessions([FIRST, SECOND]) as sessions:
        expect_no_trail(sessions.stubbers[FIRST])
        expect_read(sessions.stubbers[SECOND], described(SECOND), is_logging=False)
        # No write is stubbed: a CreateTrail or StartLogging would fail the test.
        outcome = ct.converge_trail_accounts(sessions, accounts(FIRST, SECOND), params(), REGION, check_mode=True,
                                             with_diff=True)
        for stubber in sessions.stubbers.values():
            stubber.assert_no_pending_responses()
    first, second = outcome["trails"]
    assert first["changed"] and first["trail"]["arn"] == trail_arn(FIRST) and first["diff"]["before"] == {}
    assert second["changed"] and second["diff"]["before"]["is_logging"] is False
    assert second["diff"]["after"]["is_logging"] is True
    assert outcome["errors"] == [] and sorted(outcome["diff"]["after"]) == [FIRST, SECOND]


def test_results_keep_the_given_order_when_the_first_account_finishes_last():
    ids = [FIRST, SECOND, DENIED]
    with StubbedSessions(ids, hold=True) as sessions:
        for account_id in ids:
            expect_read(sessions.stubbers[account_id], described(account_id))
        outcome = ct.converge_trail_accounts(sessions, accounts(*ids), params(), REGION, max_workers=3)
    assert sessions.finished[-1] == FIRST  # worked on at once: the first account ended last
    assert [entry["account_id"] for entry in outcome["trails"]] == ids
    assert outcome["changed"] is False and outcome["errors"] == []


def test_an_aws_error_in_one_account_names_the_account_the_region_and_the_advice():
    with StubbedSessions([FIRST, SECOND]) as sessions:
        expect_no_trail(sessions.stubbers[FIRST])
        sessions.stubbers[FIRST].add_client_error("create_trail", "InsufficientS3BucketPolicyException",
                                                  "Incorrect S3 bucket policy is detected for bucket: central-logs")
        expect_read(sessions.stubbers[SECOND], described(SECOND))
        outcome = ct.converge_trail_accounts(sessions, accounts(FIRST, SECOND), params(), REGION)
    error = outcome["errors"][0]
    assert len(outcome["errors"]) == 1
    assert error.startswith("account {0}, {1}: Failed to create trail {2}: CloudTrail cannot write".format(
        FIRST, REGION, NAME))
    assert "arn:aws:s3:::central-logs/external/AWSLogs/{0}/*".format(FIRST) in error
    assert error.endswith("Incorrect S3 bucket policy is detected for bucket: central-logs")
    assert outcome["trails"][1]["error"] is None


def test_the_module_fails_at_the_end_with_every_failed_account_and_returns_the_others(aws_module):
    module = aws_module(ct.trail_argument_spec(), dict(PARAMS, accounts=accounts(FIRST, DENIED)),
                        rules=ct.TRAIL_OPTION_RULES)
    with StubbedSessions([FIRST, DENIED], denied=[DENIED]) as sessions:
        expect_read(sessions.stubbers[FIRST], described(FIRST))
        with pytest.raises(module.Failed) as failed:
            ct.run_trail_module(module, lambda _module: sessions)
    result = failed.value.result
    assert result["msg"].startswith("1 of 2 accounts failed: account {0}, {1}: could not assume".format(DENIED, REGION))
    assert [entry["account_id"] for entry in result["trails"]] == [FIRST, DENIED]
    assert result["trails"][0]["trail"]["arn"] == trail_arn(FIRST)


def test_bad_accounts_are_refused_before_any_session(aws_module):
    given = [{"account_id": "12345"}, {"account_id": FIRST, "role_arn": role(SECOND)}]
    module = aws_module(ct.trail_argument_spec(), dict(PARAMS, accounts=given), rules=ct.TRAIL_OPTION_RULES)

    def no_sessions(_module):
        raise AssertionError("no role may be assumed for bad input")

    with pytest.raises(module.Failed) as failed:
        ct.run_trail_module(module, no_sessions)
    assert "accounts[0].account_id: '12345' is not a 12-digit account id" in failed.value.result["msg"]
    assert "accounts[1].role_arn: {0} is not a role of account {1}".format(role(SECOND), FIRST) in (
        failed.value.result["msg"])


def test_a_trail_arn_names_one_account_and_is_refused_with_accounts(aws_module):
    with pytest.raises(ValueError, match="mutually exclusive: accounts.trail_arn"):
        aws_module(ct.trail_argument_spec(), dict(PARAMS, trail_arn=trail_arn(FIRST), accounts=accounts(FIRST)),
                   rules=ct.TRAIL_OPTION_RULES)
