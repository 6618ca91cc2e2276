"""The collection's AWS plumbing: the retry policy, page-by-page pagination, error codes."""

import pathlib

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import aws_calls, aws_errors

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
    assert aws_errors.error_code(raised.value) == "BadRequestException"


def test_retries_give_up_after_the_policys_tries():
    client = _client("guardduty")
    with Stubber(client) as stubber:
        for _attempt in range(5):  # AWS_RETRY's five tries
            stubber.add_client_error("list_detectors", "ThrottlingException", "Rate exceeded", http_status_code=429)
        with pytest.raises(ClientError):
            aws_calls.paginate(client, "list_detectors", "DetectorIds")
        stubber.assert_no_pending_responses()


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


def test_a_throttling_exception_on_a_paginated_guardduty_read_is_asked_again():
    """The page GuardDuty throttles (ThrottlingException, HTTP 429) is asked again with the same
    token; the items of every page come back once, in order."""
    client = _client("guardduty")

    def member(account):
        return {"AccountId": account, "DetectorId": "d1", "MasterId": "999999999999", "Email": account + "@example.com",
                "RelationshipStatus": "Enabled", "UpdatedAt": "now"}

    first = {"DetectorId": "d1", "MaxResults": 50}
    second = dict(first, NextToken="page-2")
    with Stubber(client) as stubber:
        stubber.add_response("list_members", {"Members": [member("111111111111")], "NextToken": "page-2"}, first)
        stubber.add_client_error("list_members", "ThrottlingException", "Rate exceeded", http_status_code=429,
                                 expected_params=second)
        stubber.add_response("list_members", {"Members": [member("222222222222")]}, second)
        members = aws_calls.paginate(client, "list_members", "Members", DetectorId="d1", MaxResults=50)
        stubber.assert_no_pending_responses()
    assert [member["AccountId"] for member in members] == ["111111111111", "222222222222"]


def test_pages_yields_each_page_and_passes_the_token_under_its_own_names():
    client = _client("cloudtrail")
    with Stubber(client) as stubber:
        stubber.add_response("list_trails", {"Trails": [{"Name": "a"}], "NextToken": "n"}, {})
        stubber.add_response("list_trails", {"Trails": [{"Name": "b"}]}, {"NextToken": "n"})
        pages = list(aws_calls.pages(client, "list_trails"))
        stubber.assert_no_pending_responses()
    assert [[trail["Name"] for trail in page["Trails"]] for page in pages] == [["a"], ["b"]]


def _aws_module(**args):
    from ansible.module_utils.testing import patch_module_args

    from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

    params = dict({"access_key": "own-key", "secret_key": "own-secret", "endpoint_url": "http://127.0.0.1:9"}, **args)
    with patch_module_args(params):
        return AnsibleAWSModule(argument_spec={})


@pytest.fixture
def counted_sessions(monkeypatch):
    """SharedSession starting empty, counting the boto3 sessions it opens."""
    opened = []
    real = boto3.session.Session

    def session(*args, **kwargs):
        opened.append(kwargs.get("profile_name"))
        return real(*args, **kwargs)

    monkeypatch.setattr(aws_calls.SharedSession, "_by_profile", {})
    monkeypatch.setattr(aws_calls.boto3.session, "Session", session)
    return opened


def test_a_module_runs_clients_come_from_one_boto3_session(counted_sessions):
    module = _aws_module(region="eu-west-1", aws_config={"connect_timeout": 7})
    sts = aws_calls.aws_client(module, "sts")
    s3 = aws_calls.aws_client(module, "s3", region="us-west-2")
    guardduty = aws_calls.aws_client(module, "guardduty")
    assert counted_sessions == [None]
    assert [c.client.meta.region_name for c in (sts, s3, guardduty)] == ["eu-west-1", "us-west-2", "eu-west-1"]
    assert {c.client.meta.endpoint_url for c in (sts, s3, guardduty)} == {"http://127.0.0.1:9"}
    assert sts.client._request_signer._credentials.access_key == "own-key"
    # The retry policy, the user's aws_config over it, and amazon.aws's user agent naming the collection.
    attempts = aws_calls.RETRY_CONFIG["retries"]["max_attempts"] + 1
    assert sts.client.meta.config.retries == {"mode": "standard", "total_max_attempts": attempts}
    assert sts.client.meta.config.connect_timeout == 7
    assert sts.client.meta.config.user_agent.startswith("APN/1.0 Ansible/")
    assert sts.retry is aws_calls.AWS_RETRY


def test_a_module_without_a_region_is_told_so_before_any_call(counted_sessions, monkeypatch):
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    module = _aws_module()
    failures = []
    monkeypatch.setattr(module, "fail_json", lambda **result: failures.append(result) or pytest.fail("stop"))
    with pytest.raises(pytest.fail.Exception):
        aws_calls.aws_client(module, "guardduty")
    assert "requires a region and none was found" in failures[0]["msg"]


def test_anything_else_with_a_client_method_builds_its_own_client_with_the_policy():
    asked = []

    class InventoryLike:
        def client(self, service, retry_decorator=None, **params):
            asked.append((service, retry_decorator, params))
            return "client"

    assert aws_calls.aws_client(InventoryLike(), "organizations", region="us-east-1") == "client"
    assert asked == [("organizations", aws_calls.AWS_RETRY, {"config": aws_calls.RETRY_CONFIG, "region": "us-east-1"})]


@pytest.mark.parametrize("value", [
    1796627000.5, 0, 1796627000, "1796627000", "1796627000.25", "2026-12-07T07:01:36.945Z",
    "2026-12-07T07:01:36+02:00", "2026-12-07T07:01:36", "Mon, 07 Dec 2026 07:08:00 GMT",
])
def test_timestamps_parse_to_the_instant_botocore_gives(value):
    from botocore.utils import parse_timestamp

    parsed, expected = aws_calls.parse_timestamp_utc(value), parse_timestamp(value)
    assert parsed == expected
    assert (parsed.tzinfo is None) == (expected.tzinfo is None)
    if isinstance(value, (int, float)):
        assert parsed.utcoffset().total_seconds() == 0


def test_text_that_is_no_timestamp_is_refused_as_botocore_refuses_it():
    with pytest.raises(ValueError):
        aws_calls.parse_timestamp_utc("not a date")


def test_a_shared_session_client_parses_an_answers_timestamps_with_the_fast_parser(counted_sessions):
    module = _aws_module(region="us-east-1")
    guardduty = aws_calls.aws_client(module, "guardduty")
    parser = guardduty.client._endpoint._response_parser_factory.create_parser("rest-json")
    operation = guardduty.client.meta.service_model.operation_model("GetMemberDetectors")
    body = (b'{"members": [{"accountId": "111111111111", "features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED",'
            b' "updatedAt": 1796627000.5}]}], "unprocessedAccounts": []}')
    parsed = parser.parse({"headers": {}, "status_code": 200, "body": body}, operation.output_shape)
    updated = parsed["MemberDataSourceConfigurations"][0]["Features"][0]["UpdatedAt"]
    assert updated.isoformat() == "2026-12-07T07:03:20.500000+00:00"
    assert parser._timestamp_parser is aws_calls.parse_timestamp_utc
