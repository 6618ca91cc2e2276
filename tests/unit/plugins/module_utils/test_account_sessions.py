"""account_sessions: one AssumeRole per account, clients with the account's credentials and the
collection's retry policy, every account reached at once, failures that name the account."""

import threading
import time

import boto3
from botocore.config import Config
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import account_sessions
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY, RETRY_CONFIG


def _client(service, region="us-east-1"):
    return boto3.client(service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x")


def test_account_sessions_assume_once_and_build_clients_with_the_account_credentials():
    sts = _client("sts")
    with Stubber(sts) as stubber:
        stubber.add_response("assume_role", {"Credentials": {
            "AccessKeyId": "ASIAEXAMPLEEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "token",
            "Expiration": "2030-01-01T00:00:00Z"}},
            {"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "radiant-onboarding"})
        own = {"aws_access_key_id": "own", "aws_secret_access_key": "own"}
        clients = account_sessions.AccountSessions(RetryingBotoClientWrapper(sts, AWS_RETRY),
                                                   endpoint_url="http://127.0.0.1:9", connect_params=own)
        credentials = clients.credentials("111111111111", "arn:aws:iam::111111111111:role/R")
    assert credentials == {"aws_access_key_id": "ASIAEXAMPLEEXAMPLE", "aws_secret_access_key": "secret",
                           "aws_session_token": "token"}
    # Without a role: the caller's own credentials, no AssumeRole.
    assert clients.credentials("123456789012", None)["aws_access_key_id"] == "own"
    guardduty = clients.guardduty(credentials, "us-west-2")
    assert guardduty.client.meta.region_name == "us-west-2"
    assert guardduty.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert guardduty.client._request_signer._credentials.access_key == "ASIAEXAMPLEEXAMPLE"
    # The role sessions' clients retry like every other client of the collection.
    # (botocore turns max_attempts, the retries, into total_max_attempts, the first try included)
    assert guardduty.client.meta.config.retries == {"mode": RETRY_CONFIG["retries"]["mode"],
                                                    "total_max_attempts": RETRY_CONFIG["retries"]["max_attempts"] + 1}


def test_account_sessions_merge_the_users_aws_config_over_the_retry_policy():
    clients = account_sessions.AccountSessions(None, endpoint_url="http://127.0.0.1:9", connect_params={
        "aws_access_key_id": "own", "aws_secret_access_key": "own",
        "aws_config": Config(retries={"mode": "adaptive", "max_attempts": 12}, connect_timeout=7)})
    guardduty = clients.guardduty(clients.credentials("123456789012", None), "us-east-1")
    assert guardduty.client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 13}
    assert guardduty.client.meta.config.connect_timeout == 7


def test_a_role_that_cannot_be_assumed_is_an_error_naming_the_account_and_the_role():
    sts = _client("sts")
    with Stubber(sts) as stubber:
        stubber.add_client_error("assume_role", "AccessDenied", "not authorized to perform: sts:AssumeRole")
        sessions = account_sessions.AccountSessions(RetryingBotoClientWrapper(sts, AWS_RETRY),
                                                    endpoint_url="http://127.0.0.1:9")
        outcome = account_sessions.sign_in_all(
            sessions, [{"account_id": "444455556666", "role_arn": "arn:aws:iam::444455556666:role/R"}])
    credentials, error = outcome["444455556666"]
    assert credentials is None
    assert error.startswith("account 444455556666: could not assume arn:aws:iam::444455556666:role/R: ")
    assert "not authorized to perform: sts:AssumeRole" in error


class _SlowSessions:
    """Each AssumeRole takes 50 ms, as on AWS; records how many run at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = self.most = 0

    def credentials(self, account_id, role_arn):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return {"aws_access_key_id": account_id}


def test_every_account_is_signed_in_at_once_bounded_and_in_order():
    sessions = _SlowSessions()
    accounts = [{"account_id": "{0:012d}".format(i), "role_arn": "r"} for i in range(40)]
    outcome = account_sessions.sign_in_all(sessions, accounts, max_workers=8)
    assert list(outcome) == [account["account_id"] for account in accounts]
    assert all(outcome[a["account_id"]] == ({"aws_access_key_id": a["account_id"]}, None) for a in accounts)
    assert sessions.most == 8


def test_every_account_region_pair_runs_at_once_and_an_account_without_a_session_fails_its_pairs_only():
    class _Refusing(_SlowSessions):
        def credentials(self, account_id, role_arn):
            if account_id == "000000000002":
                raise account_sessions.AccountAccessError("account 000000000002: could not assume r")
            return super().credentials(account_id, role_arn)

    sessions, running = _Refusing(), {"now": 0, "most": 0}
    lock = threading.Lock()

    def work(credentials, account_id, region):
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        time.sleep(0.05)
        with lock:
            running["now"] -= 1
        return ("ok", credentials["aws_access_key_id"], region)

    accounts = [{"account_id": "00000000000{0}".format(i), "role_arn": "r"} for i in (1, 2, 3)]
    outcome = account_sessions.for_each_account_region(
        sessions, accounts, ["us-east-1", "eu-west-1"], work,
        lambda account_id, region, message: ("failed", account_id, region, message), max_workers=4)
    assert outcome == [
        ("ok", "000000000001", "us-east-1"), ("ok", "000000000001", "eu-west-1"),
        ("failed", "000000000002", "us-east-1", "account 000000000002: could not assume r"),
        ("failed", "000000000002", "eu-west-1", "account 000000000002: could not assume r"),
        ("ok", "000000000003", "us-east-1"), ("ok", "000000000003", "eu-west-1")]
    assert running["most"] == 4  # the four pairs that have a session, all at once


def test_accounts_are_strings_each_once_in_the_given_order():
    given = [{"account_id": 111111111111}, {"account_id": "222222222222", "role_arn": "r"},
             {"account_id": "111111111111", "role_arn": "other"}]
    assert account_sessions.normalized_accounts(given) == [
        {"account_id": "111111111111"}, {"account_id": "222222222222", "role_arn": "r"}]


def test_a_failure_message_names_the_first_failures_and_counts_the_rest():
    errors = ["account {0:012d}: no".format(i) for i in range(23)]
    message = account_sessions.failure_message(errors, 40, what="accounts")
    assert message.startswith("23 of 40 accounts failed: account 000000000000: no | ")
    assert "account 000000000019" in message and "account 000000000020" not in message
    assert message.endswith("... and 3 more (see errors)")
