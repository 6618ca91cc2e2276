"""The guardduty_members module's flow (module_utils guardduty_members.run_members) with the
module's own argument spec and botocore's Stubber: what it writes, what check mode predicts,
and how an account AWS did not process fails the run."""

import pytest
from botocore.stub import Stubber

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import GuardDutyError
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_members import run_members
from ansible_collections.radiant.aws_onboarding.plugins.modules.guardduty_members import argument_spec

DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"
ADMIN = "999999999999"
LIST_MEMBERS = {"DetectorId": DETECTOR, "OnlyAssociated": "false", "MaxResults": 50}
ORG_MEMBER, NEW_ORG, OUTSIDE = "111111111111", "222222222222", "333333333333"
ACCOUNTS = [
    {"account_id": ORG_MEMBER, "email": "a@x.test"},
    {"account_id": NEW_ORG, "email": "b@x.test"},
    {"account_id": OUTSIDE, "email": "c@partner.test", "invite": True},
]


def record(account_id, status, email):
    return {"AccountId": account_id, "RelationshipStatus": status, "Email": email, "MasterId": ADMIN,
            "UpdatedAt": "2026-12-06T10:00:00.000Z"}


def expect_reads(stub, members):
    stub.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stub.add_response("list_members", {"Members": members}, LIST_MEMBERS)


def module_and_client(aws_module, check_mode=False, **params):
    module = aws_module(argument_spec(), dict({"accounts": ACCOUNTS, "wait": False}, **params), check_mode=check_mode)
    client = module.client("guardduty", retry_decorator=AWS_RETRY)
    return module, client, Stubber(module.stub("guardduty"))


def test_creates_org_accounts_and_invites_the_outside_one(aws_module):
    module, client, stub = module_and_client(aws_module)
    existing = [record(ORG_MEMBER, "Enabled", "a@x.test")]
    expect_reads(stub, existing)
    stub.add_response("create_members", {"UnprocessedAccounts": []}, {
        "DetectorId": DETECTOR, "AccountDetails": [{"AccountId": NEW_ORG, "Email": "b@x.test"},
                                                   {"AccountId": OUTSIDE, "Email": "c@partner.test"}]})
    stub.add_response("invite_members", {"UnprocessedAccounts": []}, {
        "DetectorId": DETECTOR, "AccountIds": [OUTSIDE], "DisableEmailNotification": False})
    after = existing + [record(NEW_ORG, "Enabled", "b@x.test"), record(OUTSIDE, "Invited", "c@partner.test")]
    stub.add_response("list_members", {"Members": after}, LIST_MEMBERS)
    with stub:
        result = run_members(module, client, "us-east-1", {})
    stub.assert_no_pending_responses()
    assert result["changed"] is True
    assert (result["created"], result["invited"], result["pending"]) == ([NEW_ORG, OUTSIDE], [OUTSIDE], [OUTSIDE])
    assert result["diff"]["before"]["relationship_status"] == {ORG_MEMBER: "Enabled"}
    assert result["diff"]["after"]["relationship_status"] == {ORG_MEMBER: "Enabled", NEW_ORG: "Enabled",
                                                              OUTSIDE: "Invited"}


def test_check_mode_predicts_the_same_and_writes_nothing(aws_module):
    module, client, stub = module_and_client(aws_module, check_mode=True)
    expect_reads(stub, [record(ORG_MEMBER, "Enabled", "a@x.test")])
    with stub:  # any write would meet an empty Stubber queue and raise
        result = run_members(module, client, "us-east-1", {})
    stub.assert_no_pending_responses()
    assert result["changed"] is True
    assert (result["created"], result["invited"]) == ([NEW_ORG, OUTSIDE], [OUTSIDE])
    assert {m["account_id"]: m["relationship_status"] for m in result["members"]}[OUTSIDE] == "Invited"


def test_nothing_to_do_makes_no_write(aws_module):
    module, client, stub = module_and_client(aws_module)
    expect_reads(stub, [record(ORG_MEMBER, "Enabled", "a@x.test"), record(NEW_ORG, "Enabled", "b@x.test"),
                        record(OUTSIDE, "Invited", "c@partner.test")])
    with stub:
        result = run_members(module, client, "us-east-1", {})
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["pending"] == [OUTSIDE]


def test_an_account_aws_did_not_process_fails_naming_it_and_what_to_fix(aws_module):
    # The Region is added to the message by module_utils/guardduty_regions.py (test_guardduty_regions.py).
    module, client, stub = module_and_client(aws_module, accounts=[ACCOUNTS[2]])
    expect_reads(stub, [])
    reason = "The request is rejected because the email address does not match the email address of the account."
    stub.add_response("create_members", {"UnprocessedAccounts": [{"AccountId": OUTSIDE, "Result": reason}]}, {
        "DetectorId": DETECTOR, "AccountDetails": [{"AccountId": OUTSIDE, "Email": "c@partner.test"}]})
    stub.add_response("list_members", {"Members": []}, LIST_MEMBERS)
    with stub, pytest.raises(GuardDutyError) as caught:
        run_members(module, client, "eu-west-1", {})
    message = str(caught.value)
    assert OUTSIDE in message and "email address does not match" in message and "root user email" in message
