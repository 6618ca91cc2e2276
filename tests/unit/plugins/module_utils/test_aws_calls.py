"""The collection's AWS plumbing: the retry policy, page-by-page pagination, error codes."""

import pathlib

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import aws_calls

ROOT = pathlib.Path(__file__).resolve().parents[4]


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _seconds: None)


def _client(service):
    return boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def test_a_throttled_page_is_asked_again_and_the_list_completes():
    client = _client("organizations")
    with Stubber(client) as stubber:
        stubber.add_response("list_accounts_for_parent", {"Accounts": [{"Id": "111111111111"}], "NextToken": "t1"},
                             {"ParentId": "r-1"})
        # Page 2 is throttled once, then answers; page 1 is not asked again.
        stubber.add_client_error("list_accounts_for_parent", "TooManyRequestsException", "Rate exceeded",
                                 http_status_code=400, expected_params={"ParentId": "r-1", "NextToken": "t1"})
        stubber.add_response("list_accounts_for_parent", {"Accounts": [{"Id": "222222222222"}]},
                             {"ParentId": "r-1", "NextToken": "t1"})
        accounts = aws_calls.paginate(client, "list_accounts_for_parent", "Accounts", ParentId="r-1")
        stubber.assert_no_pending_responses()
    assert [account["Id"] for account in accounts] == ["111111111111", "222222222222"]


@pytest.mark.parametrize("service, operation, key, code, status", [
    ("guardduty", "list_detectors", "DetectorIds", "InternalServerErrorException", 500),
    ("guardduty", "list_detectors", "DetectorIds", "ThrottlingException", 429),
    ("organizations", "list_roots", "Roots", "ServiceException", 500),
    ("cloudformation", "list_stack_instances", "Summaries", "Throttling", 400),
    ("account", "list_regions", "Regions", "InternalServerException", 500),
])
def test_each_services_throttling_and_server_errors_are_retried(service, operation, key, code, status):
    client = _client(service)
    params = {"StackSetName": "radiant"} if service == "cloudformation" else {}
    with Stubber(client) as stubber:
        stubber.add_client_error(operation, code, "try again", http_status_code=status, expected_params=params)
        stubber.add_client_error(operation, code, "try again", http_status_code=status, expected_params=params)
        stubber.add_response(operation, {key: []}, params)
        assert aws_calls.paginate(client, operation, key, **params) == []
        stubber.assert_no_pending_responses()


def test_a_refusal_is_not_retried():
    client = _client("guardduty")
    with Stubber(client) as stubber:
        stubber.add_client_error("list_detectors", "BadRequestException", "invalid", http_status_code=400)
        with pytest.raises(ClientError) as raised:
            aws_calls.paginate(client, "list_detectors", "DetectorIds")
        stubber.assert_no_pending_responses()
    assert aws_calls.error_code(raised.value) == "BadRequestException"


def test_retries_give_up_after_the_policys_tries():
    client = _client("guardduty")
    with Stubber(client) as stubber:
        for _attempt in range(5):  # AWS_RETRY's five tries
            stubber.add_client_error("list_detectors", "ThrottlingException", "Rate exceeded", http_status_code=429)
        with pytest.raises(ClientError):
            aws_calls.paginate(client, "list_detectors", "DetectorIds")
        stubber.assert_no_pending_responses()


def test_error_code_of_anything():
    assert aws_calls.error_code(ClientError({"Error": {"Code": "NoSuchBucket"}}, "GetBucketPolicy")) == "NoSuchBucket"
    assert aws_calls.error_code(ValueError("no response")) == ""


def test_every_client_gets_the_retry_policy_and_the_users_aws_config_wins():
    config = aws_calls.botocore_config()
    assert config.retries == {"mode": "standard", "max_attempts": aws_calls.RETRY_CONFIG["retries"]["max_attempts"]}
    assert aws_calls.botocore_config({"retries": {"mode": "adaptive", "max_attempts": 3}}).retries == {
        "mode": "adaptive", "max_attempts": 3}
    # A caller's change to its copy never reaches the policy.
    aws_calls.retry_config()["retries"]["max_attempts"] = 1
    assert aws_calls.RETRY_CONFIG["retries"]["max_attempts"] == 10


def test_the_roles_hand_the_same_retry_policy_to_every_module():
    defaults = yaml.safe_load((ROOT / "roles" / "radiant" / "defaults" / "main.yml").read_text())
    assert defaults["radiant_aws_config"] == aws_calls.RETRY_CONFIG
