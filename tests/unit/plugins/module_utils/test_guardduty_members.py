"""Membership planning and batched application, without a network (botocore's Stubber)."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import guardduty_members
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import wait_for
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    features_from_api,
    features_from_params,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_members import (
    MemberManager,
    desired_accounts,
    plan_member_features,
    plan_membership,
    predicted_statuses,
)

DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"


def ids(count, start=100000000000):
    return [str(start + n) for n in range(count)]


def member(account_id, status, email=None):
    return {"AccountId": account_id, "RelationshipStatus": status, "Email": email or account_id + "@x.test",
            "MasterId": "999999999999", "UpdatedAt": "2026-11-21T10:00:00.000Z"}


@pytest.fixture
def stubbed():
    raw = boto3.client("guardduty", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(raw) as stubber:
        yield MemberManager(RetryingBotoClientWrapper(raw, AWS_RETRY), DETECTOR, "us-east-1"), stubber
        stubber.assert_no_pending_responses()


def test_accounts_listed_twice_are_refused():
    with pytest.raises(GuardDutyError, match="listed twice"):
        desired_accounts([{"account_id": "111122223333"}, {"account_id": "111122223333"}])


def test_plan_per_relationship_status():
    desired = desired_accounts(
        [
            {"account_id": "100000000001", "email": "a@x.test"},                  # new org account
            {"account_id": "100000000002", "email": "b@x.test", "invite": True},  # new outside account
            {"account_id": "100000000003", "email": "c@x.test"},                  # org, disassociated
            {"account_id": "100000000004", "email": "d@x.test", "invite": True},  # invited, pending
            {"account_id": "100000000005", "email": "e@x.test", "invite": True},  # created, not invited
            {"account_id": "100000000006", "email": "f@x.test", "invite": True},  # resigned
            {"account_id": "100000000007", "email": "right@x.test", "invite": True},  # wrong email, pending
            {"account_id": "100000000008", "email": "h@x.test"},                  # fine
        ]
    )
    current = {
        "100000000003": member("100000000003", "Removed"),
        "100000000004": member("100000000004", "Invited", "d@x.test"),
        "100000000005": member("100000000005", "Created", "e@x.test"),
        "100000000006": member("100000000006", "Resigned", "f@x.test"),
        "100000000007": member("100000000007", "EmailVerificationFailed", "wrong@x.test"),
        "100000000008": member("100000000008", "Enabled"),
        "100000000009": member("100000000009", "Enabled"),  # not listed
    }
    plan = plan_membership(current, desired)
    assert plan["create"] == ["100000000001", "100000000002", "100000000003"]
    assert plan["invite"] == ["100000000002", "100000000005", "100000000006"]
    assert plan["recreate"] == ["100000000007"]
    assert plan["pending"] == ["100000000004"]
    assert plan["remove"] == []
    assert plan_membership(current, desired, purge=True)["remove"] == ["100000000009"]

    statuses = predicted_statuses(current, desired, plan)
    assert statuses["100000000001"] == "Enabled"
    assert statuses["100000000002"] == "Invited"
    assert statuses["100000000003"] == "Enabled"
    assert statuses["100000000007"] == "Invited"


def test_absent_removes_only_listed_members():
    desired = desired_accounts([{"account_id": "100000000001"}, {"account_id": "100000000002"}])
    current = {"100000000001": member("100000000001", "Enabled"), "100000000003": member("100000000003", "Enabled")}
    assert plan_membership(current, desired, state="absent")["remove"] == ["100000000001"]


def test_120_accounts_are_created_in_three_batches_and_unprocessed_ones_are_kept(stubbed):
    manager, stubber = stubbed
    accounts = ids(120)
    desired = desired_accounts([{"account_id": a, "email": a + "@x.test"} for a in accounts])
    for batch in (accounts[:50], accounts[50:100], accounts[100:]):
        unprocessed = []
        if batch[0] == accounts[50]:
            reason = "The request is rejected because the email address does not match the account's."
            unprocessed = [{"AccountId": batch[3], "Result": reason}]
        stubber.add_response(
            "create_members",
            {"UnprocessedAccounts": unprocessed},
            {"DetectorId": DETECTOR, "AccountDetails": [{"AccountId": a, "Email": a + "@x.test"} for a in batch]},
        )
    created = manager.create(accounts, desired)
    assert len(created) == 119
    assert accounts[53] not in created
    assert manager.unprocessed == [{
        "account_id": accounts[53], "operation": "CreateMembers",
        "result": "The request is rejected because the email address does not match the account's.",
    }]


def test_a_failing_batch_reports_what_was_already_applied(stubbed):
    manager, stubber = stubbed
    accounts = ids(60)
    desired = desired_accounts([{"account_id": a, "email": a + "@x.test"} for a in accounts])
    stubber.add_response("create_members", {"UnprocessedAccounts": []})
    stubber.add_client_error("create_members", "BadRequestException", "The request is rejected because the input "
                                                                      "detectorId is not owned by the current account.")
    with pytest.raises(GuardDutyError) as error:
        manager.create(accounts, desired)
    assert error.value.details["created"] == accounts[:50]
    assert "does not exist in this account" in error.value.message


def test_removal_reports_a_failed_disassociation_only_when_deletion_failed_too(stubbed):
    manager, stubber = stubbed
    stubber.add_response("disassociate_members", {"UnprocessedAccounts": [
        {"AccountId": "100000000000", "Result": "not associated"},
        {"AccountId": "100000000001", "Result": "not associated"},
    ]})
    stubber.add_response("delete_members", {"UnprocessedAccounts": [
        {"AccountId": "100000000001", "Result": "The request is rejected because ... not a member"},
    ]})
    deleted = manager.remove(["100000000000", "100000000001"])
    assert deleted == ["100000000000"]
    assert [(u["account_id"], u["operation"]) for u in manager.unprocessed] == [
        ("100000000001", "DeleteMembers"), ("100000000001", "DisassociateMembers"),
    ]


def test_missing_email_is_refused_before_any_call(stubbed):
    manager, _stubber = stubbed
    with pytest.raises(GuardDutyError, match="give 'email' for 100000000000"):
        manager.create(["100000000000"], desired_accounts([{"account_id": "100000000000"}]))


def test_member_feature_changes_are_grouped_per_payload_and_batched(stubbed):
    manager, stubber = stubbed
    accounts = ids(70)
    on = features_from_api([{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])
    off = features_from_api([{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])
    current = {a: (off if n % 2 else on) for n, a in enumerate(accounts)}
    changes = plan_member_features(current, features_from_params([{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]))
    assert sorted(changes) == accounts[1::2]
    stubber.add_response("update_member_detectors", {"UnprocessedAccounts": []}, {
        "DetectorId": DETECTOR, "AccountIds": accounts[1::2],
        "Features": [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}],
    })
    manager.update_features(changes)
    assert manager.done["features_updated"] == accounts[1::2]


@pytest.fixture
def fake_clock(monkeypatch):
    """guardduty_members' waits on a clock that only its own sleeps move."""
    clock = [0.0]

    def fake_wait_for(*args, **kwargs):
        kwargs.update(sleep=lambda seconds: clock.__setitem__(0, clock[0] + seconds), clock=lambda: clock[0])
        return wait_for(*args, **kwargs)

    monkeypatch.setattr(guardduty_members, "wait_for", fake_wait_for)
    return clock


@pytest.mark.usefixtures("fake_clock")
def test_wait_for_enabled_names_the_stuck_accounts(stubbed):
    manager, stubber = stubbed
    for _attempt in range(3):
        stubber.add_response("get_members", {"Members": [member("100000000000", "Created")], "UnprocessedAccounts": []})
    with pytest.raises(GuardDutyError, match=r"100000000000 \(Created\).*invite: true"):
        manager.wait_enabled(["100000000000"], timeout=4)


ALREADY_MEMBER = ("The request is rejected because the given account ID is already a member or associated member "
                  "of the current account.")


@pytest.mark.usefixtures("fake_clock")
def test_accounts_auto_enable_is_associating_are_awaited_not_failed(stubbed):
    manager, stubber = stubbed
    org_account, outside = "100000000000", "100000000001"
    desired = desired_accounts([{"account_id": org_account, "email": "a@x.test"},
                                {"account_id": outside, "email": "b@x.test", "invite": True}])
    stubber.add_response("create_members", {"UnprocessedAccounts": [
        {"AccountId": org_account, "Result": ALREADY_MEMBER}, {"AccountId": outside, "Result": ALREADY_MEMBER}]})
    assert manager.create([org_account, outside], desired) == []
    # The organization account is being associated by auto-enable; an invited one is a real problem.
    assert manager.associating == [org_account]
    assert [entry["account_id"] for entry in manager.unprocessed] == [outside]
    stubber.add_response("get_members", {"Members": [], "UnprocessedAccounts": [
        {"AccountId": org_account, "Result": "not a member"}]})
    stubber.add_response("get_members", {"Members": [member(org_account, "Enabled")], "UnprocessedAccounts": []})
    assert manager.wait_associated(timeout=30) == []


@pytest.mark.usefixtures("fake_clock")
def test_accounts_still_associating_at_the_timeout_are_returned(stubbed):
    manager, stubber = stubbed
    manager.associating = ["100000000000"]
    for _attempt in range(3):
        stubber.add_response("get_members", {"Members": [], "UnprocessedAccounts": []})
    assert manager.wait_associated(timeout=4) == ["100000000000"]


def test_both_runtime_plans_go_to_members_in_separate_requests(stubbed):
    manager, stubber = stubbed
    changes = features_from_params([
        {"name": "EKS_RUNTIME_MONITORING", "status": "DISABLED", "additional_configuration": []},
        {"name": "RUNTIME_MONITORING", "status": "ENABLED", "additional_configuration": []},
    ])
    for features in ([{"Name": "EKS_RUNTIME_MONITORING", "Status": "DISABLED"}],
                     [{"Name": "RUNTIME_MONITORING", "Status": "ENABLED"}]):
        stubber.add_response("update_member_detectors", {"UnprocessedAccounts": []},
                             {"DetectorId": DETECTOR, "AccountIds": ["100000000000"], "Features": features})
    manager.update_features({"100000000000": changes})
