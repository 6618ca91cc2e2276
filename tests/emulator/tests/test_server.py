"""The emulator's core: the serve command, the request log, fault injection.

The serve command is started as users start it (``python -m radiant_emulator serve``); the
rest runs against the session emulator of conftest.py, over HTTP, with boto3.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import make_client

MANAGEMENT = "123456789012"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "radiant_emulator", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _health(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/_emulator/health", timeout=10) as response:
        return json.loads(response.read())


# -- serve --------------------------------------------------------------------------------
def test_serve_honours_port_prints_one_ready_line_and_stops_on_sigterm():
    port = _free_port()
    proc = _serve("--port", str(port))
    try:
        ready = proc.stdout.readline()
        assert ready == f"radiant-emulator ready http://127.0.0.1:{port}\n"
        assert _health(f"http://127.0.0.1:{port}") == {"status": "ok"}
        sts = make_client(f"http://127.0.0.1:{port}", "sts")
        assert sts.get_caller_identity()["Account"] == MANAGEMENT
        assert not _port_is_free(port)
    finally:
        proc.send_signal(signal.SIGTERM)
        returncode = proc.wait(timeout=15)
    assert returncode == 0
    assert proc.stdout.read() == "", "only the ready line goes to stdout"
    assert _port_is_free(port)


def test_serve_picks_a_free_port_by_default_and_stops_on_sigint():
    proc = _serve()
    try:
        match = re.fullmatch(r"radiant-emulator ready (http://127\.0\.0\.1:(\d+))\n", proc.stdout.readline())
        assert match, "ready line"
        assert int(match.group(2)) > 0
        assert _health(match.group(1)) == {"status": "ok"}
    finally:
        proc.send_signal(signal.SIGINT)
        returncode = proc.wait(timeout=15)
    assert returncode == 0
    assert _port_is_free(int(match.group(2)))


# -- request log --------------------------------------------------------------------------
def _records(emulator) -> list[dict]:
    return emulator.control("GET", "requests")["records"]


def _only(records: list[dict], operation: str) -> dict:
    found = [r for r in records if r["operation"] == operation]
    assert len(found) == 1, (operation, records)
    return found[0]


def test_request_log_records_every_protocol(aws, clean_emulator):
    aws("sts").get_caller_identity()  # query
    aws("iam").create_role(RoleName="logged", AssumeRolePolicyDocument="{}")  # query
    organizations = aws("organizations")  # json
    organizations.create_organization(FeatureSet="ALL")
    organizations.describe_organization()
    guardduty = aws("guardduty", region="us-west-2")  # rest-json
    guardduty.create_detector(Enable=True)
    guardduty.list_detectors()
    s3 = aws("s3")  # rest-xml
    s3.create_bucket(Bucket="logged-bucket")
    s3.put_bucket_versioning(Bucket="logged-bucket", VersioningConfiguration={"Status": "Enabled"})
    s3.get_bucket_versioning(Bucket="logged-bucket")
    s3.list_buckets()

    records = _records(clean_emulator)
    expected = {
        "GetCallerIdentity": ("sts", "us-east-1", False),
        "CreateRole": ("iam", "us-east-1", True),
        "CreateOrganization": ("organizations", "us-east-1", True),
        "DescribeOrganization": ("organizations", "us-east-1", False),
        "CreateDetector": ("guardduty", "us-west-2", True),
        "ListDetectors": ("guardduty", "us-west-2", False),
        "CreateBucket": ("s3", "us-east-1", True),
        "PutBucketVersioning": ("s3", "us-east-1", True),
        "GetBucketVersioning": ("s3", "us-east-1", False),
        "ListBuckets": ("s3", "us-east-1", False),
    }
    for operation, (service, region, write) in expected.items():
        record = _only(records, operation)
        assert (record["service"], record["region"], record["write"]) == (service, region, write), record
        assert record["account"] == MANAGEMENT
        assert record["status"] == 200, record
        assert 0 < record["seconds"] < 30, record
    assert [r["seq"] for r in records] == sorted(r["seq"] for r in records)

    summary = clean_emulator.control("GET", "requests/summary")
    assert summary["total"] == len(records) == 10
    assert summary["writes"] == 5
    assert summary["reads"] == 5
    assert summary["by_operation"]["s3:PutBucketVersioning"] == 1
    assert summary["seconds_by_operation"]["s3:PutBucketVersioning"] == round(
        _only(records, "PutBucketVersioning")["seconds"], 3)
    assert summary["seconds"] == round(sum(r["seconds"] for r in records), 3)
    assert summary["write_operations"] == sorted(
        ["iam:CreateRole", "organizations:CreateOrganization", "guardduty:CreateDetector",
         "s3:CreateBucket", "s3:PutBucketVersioning"]
    )


@pytest.mark.parametrize("service,call,code", [
    ("guardduty", lambda client: client.create_detector(Enable=True), "InvalidSignatureException"),  # rest-json
    ("cloudtrail", lambda client: client.describe_trails(), "InvalidSignatureException"),  # json
    ("sns", lambda client: client.create_topic(Name="nowhere"), "SignatureDoesNotMatch"),  # query
    ("s3", lambda client: client.list_buckets(), "SignatureDoesNotMatch"),  # rest-xml
])
def test_a_region_aws_does_not_have_is_refused_and_nothing_is_made(aws, clean_emulator, service, call, code):
    # AWS refuses a request signed for a Region it does not have (docs/emulator-fidelity.md).
    with pytest.raises(ClientError) as error:
        call(aws(service, region="us-east-9"))
    assert error.value.response["Error"]["Code"] == code
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "Credential should be scoped to a valid region, not 'us-east-9'" in error.value.response["Error"]["Message"]
    (record,) = _records(clean_emulator)
    assert (record["region"], record["status"], record["fault"]) == ("us-east-9", 403, "invalid_region")
    assert aws("guardduty", region="us-east-1").list_detectors()["DetectorIds"] == []


def test_request_log_attributes_the_account_of_assumed_credentials(aws, clean_emulator):
    organizations = aws("organizations")
    organizations.create_organization(FeatureSet="ALL")
    member = organizations.create_account(AccountName="m", Email="m@example.test")["CreateAccountStatus"]["AccountId"]
    credentials = aws("sts").assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="log"
    )["Credentials"]
    clean_emulator.control("DELETE", "requests")

    boto3.client(
        "iam", endpoint_url=clean_emulator.url, region_name="eu-west-1",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    ).list_roles()
    aws("guardduty", region="eu-west-1", account="990000000001").list_detectors()

    records = _records(clean_emulator)
    assert [(r["account"], r["service"], r["operation"], r["region"]) for r in records] == [
        (member, "iam", "ListRoles", "eu-west-1"),
        ("990000000001", "guardduty", "ListDetectors", "eu-west-1"),
    ]


def test_request_log_since_clear_and_reset(aws, clean_emulator):
    sts = aws("sts")
    sts.get_caller_identity()
    first = _records(clean_emulator)
    sts.get_caller_identity()
    later = clean_emulator.control("GET", f"requests?since={first[-1]['seq']}")
    assert len(later["records"]) == 1 and later["summary"]["total"] == 1

    assert clean_emulator.control("DELETE", "requests") == {"status": "cleared"}
    assert _records(clean_emulator) == []
    assert clean_emulator.control("GET", "requests/summary")["total"] == 0

    aws("s3").create_bucket(Bucket="forgotten")
    assert clean_emulator.control("POST", "reset") == {"status": "reset"}
    assert _records(clean_emulator) == []
    assert aws("s3").list_buckets()["Buckets"] == [], "reset forgets resources too"


# -- fault injection ----------------------------------------------------------------------
def _single_attempt(emulator, service: str):
    """A client that never retries ('max_attempts' counts retries; 'total_max_attempts' attempts)."""
    return boto3.client(
        service, endpoint_url=emulator.url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def _throttle(operation: str, rate: float = 1.0, seed: int = 0, service: str | None = None, kind="throttle"):
    rule = {"kind": kind, "rate": rate, "operation": operation}
    if service:
        rule["service"] = service
    return {"seed": seed, "rules": [rule]}


def _error_code(call) -> tuple[str, int]:
    with pytest.raises(ClientError) as excinfo:
        call()
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_throttling_at_rate_one_hits_only_the_chosen_operation(clean_emulator):
    clean_emulator.control("PUT", "faults", _throttle("ListDetectors", service="guardduty"))
    guardduty = _single_attempt(clean_emulator, "guardduty")
    for _attempt in range(3):
        assert _error_code(guardduty.list_detectors) == ("ThrottlingException", 400)
    assert guardduty.create_detector(Enable=True)["DetectorId"]
    assert _single_attempt(clean_emulator, "sts").get_caller_identity()["Account"] == MANAGEMENT

    state = clean_emulator.control("GET", "faults")
    assert state["injected"] == 3
    records = _records(clean_emulator)
    assert [r["fault"] for r in records if r["operation"] == "ListDetectors"] == ["throttle"] * 3
    assert all(r["fault"] is None for r in records if r["operation"] != "ListDetectors")

    clean_emulator.control("DELETE", "faults")
    assert guardduty.list_detectors()["DetectorIds"]


def test_throttling_speaks_each_protocol(clean_emulator):
    clean_emulator.control("PUT", "faults", {"seed": 0, "rules": [{"kind": "throttle", "rate": 1.0}]})
    assert _error_code(_single_attempt(clean_emulator, "sts").get_caller_identity) == ("Throttling", 400)
    organizations = _single_attempt(clean_emulator, "organizations")
    assert _error_code(organizations.describe_organization) == ("ThrottlingException", 400)
    assert _error_code(_single_attempt(clean_emulator, "s3").list_buckets) == ("SlowDown", 503)


def _outcomes(client, calls: int) -> list[bool]:
    outcomes = []
    for _call in range(calls):
        try:
            client.get_caller_identity()
            outcomes.append(True)
        except ClientError:
            outcomes.append(False)
    return outcomes


def test_faults_at_rate_one_half_are_deterministic_per_seed(clean_emulator):
    sts = _single_attempt(clean_emulator, "sts")
    clean_emulator.control("PUT", "faults", _throttle("GetCallerIdentity", rate=0.5, seed=7))
    first = _outcomes(sts, 24)
    clean_emulator.control("PUT", "faults", _throttle("GetCallerIdentity", rate=0.5, seed=7))
    again = _outcomes(sts, 24)
    clean_emulator.control("PUT", "faults", _throttle("GetCallerIdentity", rate=0.5, seed=8))
    other_seed = _outcomes(sts, 24)

    assert first == again
    assert 0 < first.count(False) < 24, first
    assert other_seed != first


def test_server_errors_are_5xx(clean_emulator):
    clean_emulator.control("PUT", "faults", _throttle("ListDetectors", kind="server_error"))
    guardduty = _single_attempt(clean_emulator, "guardduty")
    assert _error_code(guardduty.list_detectors) == ("InternalServerErrorException", 500)
    clean_emulator.control("PUT", "faults", _throttle("ListBuckets", kind="server_error"))
    assert _error_code(_single_attempt(clean_emulator, "s3").list_buckets) == ("InternalError", 500)
    clean_emulator.control("PUT", "faults", _throttle("GetCallerIdentity", kind="server_error"))
    assert _error_code(_single_attempt(clean_emulator, "sts").get_caller_identity) == ("InternalFailure", 500)


def test_bad_fault_configuration_is_refused(clean_emulator):
    for bad in ({"rules": [{"kind": "explode"}]}, {"rules": [{"kind": "throttle", "rate": 1.5}]}):
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            clean_emulator.control("PUT", "faults", bad)
        assert excinfo.value.code == 400


def test_boto3_standard_retries_recover_from_throttling(clean_emulator):
    clean_emulator.control("PUT", "faults", _throttle("ListDetectors", rate=0.3, seed=3))
    # make_client disables retries; this client retries as amazon.aws's and users' do.
    client = boto3.client(
        "guardduty", endpoint_url=clean_emulator.url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 8}),
    )
    for _call in range(12):
        assert client.list_detectors()["DetectorIds"] == []
    injected = clean_emulator.control("GET", "faults")["injected"]
    assert injected > 0, "the run must have met throttling to prove anything"
    records = [r for r in _records(clean_emulator) if r["operation"] == "ListDetectors"]
    assert len(records) == 12 + injected
    assert sum(1 for r in records if r["fault"] == "throttle") == injected


def test_credentials_lists_every_role_session_issued_until_reset(aws, clean_emulator):
    organizations = aws("organizations")
    organizations.create_organization(FeatureSet="ALL")
    member = organizations.create_account(AccountName="m", Email="m@example.test")["CreateAccountStatus"]["AccountId"]
    role_arn = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    sts = aws("sts")
    sessions = [sts.assume_role(RoleArn=role_arn, RoleSessionName=name)["Credentials"] for name in ("one", "two")]

    issued = clean_emulator.control("GET", "credentials")["credentials"]
    assert [(c["account_id"], c["role_arn"], c["session_name"]) for c in issued] == [
        (member, role_arn, "one"), (member, role_arn, "two")]
    assert [(c["access_key_id"], c["secret_access_key"], c["session_token"]) for c in issued] == [
        (s["AccessKeyId"], s["SecretAccessKey"], s["SessionToken"]) for s in sessions]

    clean_emulator.control("POST", "reset")
    assert clean_emulator.control("GET", "credentials") == {"credentials": []}
