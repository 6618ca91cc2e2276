"""AWS's time and strictness: realism settings, latency, and GuardDuty's request validation.

Each test would pass against the old, kinder emulator only by failing: enums were accepted,
both runtime-monitoring plans could be named in one request, suspended accounts could be
added, and auto-enable enrolled every account at once.
"""

from __future__ import annotations

import time
import urllib.error

import botocore.exceptions
import pytest
from guardduty_helpers import delegate_admin

OUT_OF_RANGE = "The request is rejected because an invalid or out-of-range value is specified as an input parameter."
BOTH_RUNTIME = [
    {"Name": "EKS_RUNTIME_MONITORING", "Status": "DISABLED"},
    {"Name": "RUNTIME_MONITORING", "Status": "ENABLED"},
]


def _message(excinfo) -> str:
    return excinfo.value.response["Error"]["Message"]


@pytest.fixture
def realism(clean_emulator):
    """Change realism settings for one test; the defaults come back afterwards."""
    before = clean_emulator.control("GET", "realism")
    yield lambda **changes: clean_emulator.control("PUT", "realism", changes)
    clean_emulator.control("PUT", "realism", before)


def test_realism_is_on_by_default_and_settable(clean_emulator, realism):
    state = clean_emulator.control("GET", "realism")
    assert state["enabled"] is True and state["auto_enable_seconds"] > 0
    assert realism(latency_ms=5)["latency_ms"] == 5
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        realism(no_such_setting=1)
    assert excinfo.value.code == 400


def test_latency_is_added_to_every_aws_request(aws, realism):
    s3 = aws("s3")
    realism(latency_ms=400)
    durations = []
    for _attempt in range(3):
        started = time.perf_counter()
        s3.list_buckets()
        durations.append(time.perf_counter() - started)
    assert min(durations) >= 0.4


@pytest.mark.parametrize("frequency", ["FIFTEEN_MINUTE", "fifteen_minutes", "DAILY"])
def test_finding_publishing_frequency_outside_its_enum_is_refused(aws, frequency):
    gd = aws("guardduty")
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        gd.create_detector(Enable=True, FindingPublishingFrequency=frequency)
    assert _message(excinfo) == OUT_OF_RANGE
    detector_id = gd.create_detector(Enable=True)["DetectorId"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        gd.update_detector(DetectorId=detector_id, FindingPublishingFrequency=frequency)
    assert _message(excinfo) == OUT_OF_RANGE


def test_feature_status_and_auto_enable_values_outside_their_enum_are_refused(aws, sample_org):
    client, detector_id = delegate_admin(aws, sample_org["log_account"]["id"])
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.update_detector(DetectorId=detector_id, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ON"}])
    assert _message(excinfo) == OUT_OF_RANGE
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.update_organization_configuration(DetectorId=detector_id, AutoEnableOrganizationMembers="ALLL")
    assert _message(excinfo) == OUT_OF_RANGE
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.update_organization_configuration(
            DetectorId=detector_id, AutoEnableOrganizationMembers="NEW",
            Features=[{"Name": "S3_DATA_EVENTS", "AutoEnable": "ENABLED"}],
        )
    assert _message(excinfo) == OUT_OF_RANGE


def test_naming_both_runtime_plans_is_refused_in_every_operation(aws, sample_org):
    # "Specifying both EKS Runtime Monitoring (EKS_RUNTIME_MONITORING) and Runtime Monitoring
    # (RUNTIME_MONITORING) will cause an error": specifying, whatever the status.
    member = sample_org["members"][0]
    client, detector_id = delegate_admin(aws, sample_org["log_account"]["id"])
    details = [{"AccountId": member["id"], "Email": member["email"]}]
    client.create_members(DetectorId=detector_id, AccountDetails=details)
    calls = [
        lambda: aws("guardduty", "us-west-2").create_detector(Enable=True, Features=BOTH_RUNTIME),
        lambda: client.update_detector(DetectorId=detector_id, Features=BOTH_RUNTIME),
        lambda: client.update_member_detectors(
            DetectorId=detector_id, AccountIds=[member["id"]], Features=BOTH_RUNTIME
        ),
        lambda: client.update_organization_configuration(
            DetectorId=detector_id, AutoEnableOrganizationMembers="NEW",
            Features=[{"Name": "EKS_RUNTIME_MONITORING", "AutoEnable": "NONE"},
                      {"Name": "RUNTIME_MONITORING", "AutoEnable": "NEW"}],
        ),
    ]
    for call in calls:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            call()
        assert "EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot both be specified" in _message(excinfo)
    # Either plan alone is fine.
    client.update_detector(DetectorId=detector_id, Features=BOTH_RUNTIME[1:])
    client.update_detector(DetectorId=detector_id, Features=BOTH_RUNTIME[:1])


def test_create_members_refuses_a_suspended_account(aws, sample_org):
    client, detector_id = delegate_admin(aws, sample_org["log_account"]["id"])
    suspended = sample_org["suspended"][0]
    result = client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": suspended["id"], "Email": suspended["email"]}]
    )
    assert [entry["AccountId"] for entry in result["UnprocessedAccounts"]] == [suspended["id"]]
    assert "suspended" in result["UnprocessedAccounts"][0]["Result"]
    assert client.list_members(DetectorId=detector_id)["Members"] == []


def test_auto_enable_all_enrols_over_time_and_at_once_with_realism_off(aws, sample_org, realism):
    members = sample_org["members"]
    realism(auto_enable_seconds=1.0)
    client, detector_id = delegate_admin(aws, sample_org["log_account"]["id"])
    client.update_organization_configuration(DetectorId=detector_id, AutoEnableOrganizationMembers="ALL")
    assert client.list_members(DetectorId=detector_id)["Members"] == []
    time.sleep(1.2)
    listed = {m["AccountId"] for m in client.list_members(DetectorId=detector_id)["Members"]}
    assert listed == {m["id"] for m in members}
    # Realism off (debugging only): enrolment is immediate.
    client.update_organization_configuration(DetectorId=detector_id, AutoEnableOrganizationMembers="NONE")
    client.disassociate_members(DetectorId=detector_id, AccountIds=[members[0]["id"]])
    client.delete_members(DetectorId=detector_id, AccountIds=[members[0]["id"]])
    realism(enabled=False)
    client.update_organization_configuration(DetectorId=detector_id, AutoEnableOrganizationMembers="ALL")
    assert members[0]["id"] in {m["AccountId"] for m in client.list_members(DetectorId=detector_id)["Members"]}
