"""A role with its managed policy in many accounts: what each account is asked (botocore's Stubber, no
network), check mode without writes, adoption of an existing role, removal, and failures that name the account."""

import datetime
import json
import threading

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import iam_role_with_policy as irp
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    AccountAccessError,
    failure_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import AWS_RETRY

MANAGEMENT = "123456789012"
MEMBER = "111111111111"
OTHER = "222222222222"
ROLE = "radiant-aws-api-access-role"
POLICY = "radiant-aws-api-access-policy"
WHEN = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Statement1", "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"AWS": "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security"},
    "Condition": {"StringEquals": {"sts:ExternalId": "rs-1"}}}]}
DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"],
                                                    "Resource": ["*"]}]}
WANTED = irp.WantedRole(ROLE, POLICY, assume_role_policy_document=json.dumps(TRUST), policy=DOCUMENT,
                        role_description="Read-only API access", policy_description="Read-only API access")


def policy_arn(account):
    return "arn:aws:iam::{0}:policy/{1}".format(account, POLICY)


def role_arn(account, name="OrganizationAccountAccessRole"):
    return "arn:aws:iam::{0}:role/{1}".format(account, name)


class StubbedSessions:
    """AccountSessions' interface over stubbed IAM clients: ``assumed`` records every AssumeRole."""

    def __init__(self, iam_by_account, denied=()):
        self.iam_by_account = iam_by_account
        self.denied = set(denied)
        self.assumed = []
        self.lock = threading.Lock()

    def credentials(self, account_id, role):
        if role:
            with self.lock:
                self.assumed.append(account_id)
        if account_id in self.denied:
            raise AccountAccessError("account {0}: could not assume {1}: AccessDenied".format(account_id, role))
        return {"aws_access_key_id": account_id}

    def client(self, service, credentials, region):
        assert service == "iam"
        return self.iam_by_account[credentials["aws_access_key_id"]]


class Iam:
    """One account's stubbed IAM client and the answers it gives, in call order."""

    def __init__(self):
        raw = boto3.client("iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        self.client = RetryingBotoClientWrapper(raw, AWS_RETRY)
        self.stubber = Stubber(raw)
        self.stubber.activate()

    def answer(self, operation, response, params=None):
        self.stubber.add_response(operation, response, params)
        return self

    def missing(self, operation, params=None):
        self.stubber.add_client_error(operation, "NoSuchEntity", "The entity cannot be found.", http_status_code=404,
                                      expected_params=params)
        return self

    def policy(self, account, document, versions=("v1",), description="Read-only API access"):
        arn = policy_arn(account)
        self.answer("get_policy", {"Policy": {"PolicyName": POLICY, "Arn": arn, "DefaultVersionId": versions[-1],
                                              "Description": description}}, {"PolicyArn": arn})
        self.answer("list_policy_versions", {"Versions": [
            {"VersionId": v, "IsDefaultVersion": v == versions[-1], "CreateDate": WHEN} for v in versions]},
            {"PolicyArn": arn})
        return self.answer("get_policy_version", {"PolicyVersion": {
            "Document": json.dumps(document), "VersionId": versions[-1], "IsDefaultVersion": True}},
            {"PolicyArn": arn, "VersionId": versions[-1]})

    def role(self, account, trust, attached=(), description="Read-only API access"):
        self.answer("get_role", {"Role": {
            "Path": "/", "RoleName": ROLE, "RoleId": "AROAEXAMPLEEXAMPLE1", "Arn": "arn:aws:iam::{0}:role/{1}".format(
                account, ROLE), "CreateDate": WHEN, "AssumeRolePolicyDocument": json.dumps(trust),
            "Description": description}}, {"RoleName": ROLE})
        return self.answer("list_attached_role_policies", {"AttachedPolicies": [
            {"PolicyName": arn.split("/")[-1], "PolicyArn": arn} for arn in attached]}, {"RoleName": ROLE})

    def nothing(self):
        return self.missing("get_policy").missing("get_role", {"RoleName": ROLE})

    def done(self):
        self.stubber.assert_no_pending_responses()


def converge(iam_by_account, accounts, state="present", check_mode=False, denied=(), wanted=WANTED):
    sessions = StubbedSessions({account: iam.client for account, iam in iam_by_account.items()}, denied=denied)
    outcome = irp.converge_accounts(sessions, accounts, wanted, region="us-east-1",
                                    caller=lambda: (MANAGEMENT, "aws"), state=state, check_mode=check_mode,
                                    max_workers=4)
    for iam in iam_by_account.values():
        iam.done()  # every stubbed answer was asked for, and nothing else (no unexpected write)
    return outcome, sessions


def test_check_mode_reads_and_reports_what_each_account_lacks_without_a_write():
    fresh = Iam().nothing()
    # Adopted: the policy is right but has an old version; the role trusts someone else and lacks the policy.
    other_trust = json.loads(json.dumps(TRUST))
    other_trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = "someone-else"
    adopted = Iam().policy(MEMBER, DOCUMENT, versions=("v1", "v2")).role(
        MEMBER, other_trust, attached=["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    outcome, sessions = converge({MANAGEMENT: fresh, MEMBER: adopted},
                                 [{"account_id": MANAGEMENT}, {"account_id": MEMBER, "role_arn": role_arn(MEMBER)}],
                                 check_mode=True)
    assert sessions.assumed == [MEMBER]
    assert outcome["changed"] is True and outcome["errors"] == []
    first, second = outcome["roles"]
    assert [(d["resource"], d["field"]) for d in first["differences"]] == [
        ("policy " + POLICY, "(resource)"), ("role " + ROLE, "(resource)")]
    assert first["role_arn"] == "arn:aws:iam::{0}:role/{1}".format(MANAGEMENT, ROLE)
    assert [(d["field"], d["expected"], d["actual"]) for d in second["differences"]] == [
        ("versions", ["v2"], ["v2", "v1"]),
        ("assume_role_policy_document", TRUST, other_trust),
        ("attached_policies", policy_arn(MEMBER), ["arn:aws:iam::aws:policy/ReadOnlyAccess"])]
    assert outcome["diff"]["before"][MANAGEMENT] == {"policy": None, "role": None}
    assert outcome["diff"]["after"][MEMBER]["role"]["attached_policies"] == [
        "arn:aws:iam::aws:policy/ReadOnlyAccess", policy_arn(MEMBER)]


def test_apply_creates_the_policy_then_the_role_with_path_slash_and_attaches_the_policy():
    iam = Iam().missing("get_policy", {"PolicyArn": policy_arn(MEMBER)})
    iam.answer("create_policy", {"Policy": {"PolicyName": POLICY, "Arn": policy_arn(MEMBER), "DefaultVersionId": "v1"}},
               {"PolicyName": POLICY, "PolicyDocument": json.dumps(DOCUMENT), "Description": "Read-only API access"})
    iam.missing("get_role", {"RoleName": ROLE})
    # amazon.aws.iam_role's parameters: Path '/', no MaxSessionDuration, no tags, no instance profile.
    iam.answer("create_role", {"Role": {"Path": "/", "RoleName": ROLE, "RoleId": "AROAEXAMPLEEXAMPLE1",
                                        "Arn": "arn:aws:iam::{0}:role/{1}".format(MEMBER, ROLE), "CreateDate": WHEN}},
               {"Path": "/", "RoleName": ROLE, "AssumeRolePolicyDocument": json.dumps(TRUST),
                "Description": "Read-only API access"})
    iam.answer("attach_role_policy", {}, {"RoleName": ROLE, "PolicyArn": policy_arn(MEMBER)})
    outcome, _sessions = converge({MEMBER: iam}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}])
    assert outcome["changed"] is True and outcome["errors"] == []
    assert outcome["diff"]["after"][MEMBER]["policy"]["versions"] == ["v1"]


def test_adopting_a_role_updates_its_trust_and_description_keeps_its_other_policies_and_replaces_the_document():
    old_document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    customer_policy = "arn:aws:iam::{0}:policy/customer".format(MEMBER)
    iam = Iam().policy(MEMBER, old_document, versions=("v1", "v2", "v3"))
    arn = policy_arn(MEMBER)
    # Room first (IAM keeps five versions), the new default, then the old default goes: one version left.
    for version in ("v1", "v2"):
        iam.answer("delete_policy_version", {}, {"PolicyArn": arn, "VersionId": version})
    iam.answer("create_policy_version", {"PolicyVersion": {"VersionId": "v4", "IsDefaultVersion": True}},
               {"PolicyArn": arn, "PolicyDocument": json.dumps(DOCUMENT), "SetAsDefault": True})
    iam.answer("delete_policy_version", {}, {"PolicyArn": arn, "VersionId": "v3"})
    iam.role(MEMBER, {"Version": "2012-10-17", "Statement": []}, attached=[customer_policy], description="theirs")
    iam.answer("update_assume_role_policy", {}, {"RoleName": ROLE, "PolicyDocument": json.dumps(TRUST)})
    iam.answer("update_role", {}, {"RoleName": ROLE, "Description": "Read-only API access"})
    iam.answer("attach_role_policy", {}, {"RoleName": ROLE, "PolicyArn": arn})  # no detach of the customer's
    outcome, _sessions = converge({MEMBER: iam}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}])
    assert [d["field"] for d in outcome["roles"][0]["differences"]] == [
        "document", "assume_role_policy_document", "description", "attached_policies"]
    assert outcome["diff"]["after"][MEMBER]["policy"]["versions"] == ["v4"]


def test_an_account_already_right_is_read_only_and_unchanged():
    iam = Iam().policy(MEMBER, DOCUMENT).role(MEMBER, TRUST, attached=[policy_arn(MEMBER)])
    outcome, _sessions = converge({MEMBER: iam}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}])
    assert outcome == {"changed": False, "errors": [], "diff": {"before": {}, "after": {}}, "roles": [{
        "account_id": MEMBER, "changed": False, "role_arn": "arn:aws:iam::{0}:role/{1}".format(MEMBER, ROLE),
        "policy_arn": policy_arn(MEMBER), "differences": [], "error": None}]}


def test_an_account_whose_role_cannot_be_assumed_fails_alone_and_the_message_names_every_failed_account():
    fine = Iam().policy(MEMBER, DOCUMENT).role(MEMBER, TRUST, attached=[policy_arn(MEMBER)])
    refused = Iam()  # never asked
    accounts = [{"account_id": OTHER, "role_arn": role_arn(OTHER, "Missing")},
                {"account_id": MEMBER, "role_arn": role_arn(MEMBER)},
                {"account_id": "333333333333"}]  # no role: only the caller's own account may go without one
    outcome, sessions = converge({MEMBER: fine, OTHER: refused}, accounts, denied={OTHER})
    assert [entry["error"] for entry in outcome["roles"]] == [
        "account 222222222222: could not assume arn:aws:iam::222222222222:role/Missing: AccessDenied",
        None,
        "account 333333333333: no role_arn, and the module's credentials are account 123456789012's; give the "
        "role to assume in account 333333333333"]
    assert outcome["roles"][1]["changed"] is False and outcome["roles"][1]["policy_arn"] == policy_arn(MEMBER)
    message = failure_message(outcome["errors"], len(outcome["roles"]), what="accounts")
    assert message.startswith("2 of 3 accounts failed: account 222222222222: could not assume")
    assert "| account 333333333333: no role_arn" in message


def test_an_aws_error_names_the_account_and_the_step():
    iam = Iam().missing("get_policy")
    iam.stubber.add_client_error("create_policy", "MalformedPolicyDocument", "Syntax errors in policy.",
                                 http_status_code=400)
    outcome, _sessions = converge({MEMBER: iam}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}])
    assert outcome["errors"] == ["account 111111111111: create the policy radiant-aws-api-access-policy failed: "
                                 "MalformedPolicyDocument: Syntax errors in policy."]
    assert outcome["changed"] is False


def test_without_accounts_the_module_works_in_its_own_account():
    iam = Iam().policy(MANAGEMENT, DOCUMENT).role(MANAGEMENT, TRUST, attached=[policy_arn(MANAGEMENT)])
    outcome, sessions = converge({MANAGEMENT: iam}, None)
    assert [entry["account_id"] for entry in outcome["roles"]] == [MANAGEMENT]
    assert sessions.assumed == []


def test_an_empty_account_list_is_no_account_not_the_callers_own():
    def caller():
        raise AssertionError("the caller's account must not be asked for, nor acted in")

    outcome = irp.converge_accounts(StubbedSessions({}), [], WANTED, caller=caller)
    assert outcome == {"changed": False, "roles": [], "errors": [], "diff": {"before": {}, "after": {}}}


def test_absent_deletes_the_role_after_what_iam_requires_then_the_policy_and_its_versions():
    arn = policy_arn(MEMBER)
    iam = Iam().role(MEMBER, TRUST, attached=[arn, "arn:aws:iam::aws:policy/ReadOnlyAccess"])
    iam.answer("detach_role_policy", {}, {"RoleName": ROLE, "PolicyArn": arn})
    iam.answer("detach_role_policy", {}, {"RoleName": ROLE, "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
    iam.answer("list_role_policies", {"PolicyNames": ["inline"]}, {"RoleName": ROLE})
    iam.answer("delete_role_policy", {}, {"RoleName": ROLE, "PolicyName": "inline"})
    iam.answer("list_instance_profiles_for_role", {"InstanceProfiles": [{
        "Path": "/", "InstanceProfileName": "profile", "InstanceProfileId": "AIPAEXAMPLEEXAMPLE1",
        "Arn": "arn:aws:iam::{0}:instance-profile/profile".format(MEMBER), "CreateDate": WHEN, "Roles": []}]},
        {"RoleName": ROLE})
    iam.answer("remove_role_from_instance_profile", {}, {"InstanceProfileName": "profile", "RoleName": ROLE})
    iam.answer("delete_role", {}, {"RoleName": ROLE})
    iam.policy(MEMBER, DOCUMENT, versions=("v1", "v2"))
    iam.answer("list_entities_for_policy", {"PolicyRoles": [{"RoleName": "customer-role"}], "PolicyUsers": [],
                                            "PolicyGroups": []}, {"PolicyArn": arn})
    iam.answer("detach_role_policy", {}, {"RoleName": "customer-role", "PolicyArn": arn})
    iam.answer("delete_policy_version", {}, {"PolicyArn": arn, "VersionId": "v1"})
    iam.answer("delete_policy", {}, {"PolicyArn": arn})
    outcome, _sessions = converge({MEMBER: iam}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}],
                                  state="absent")
    assert [(d["resource"], d["expected"]) for d in outcome["roles"][0]["differences"]] == [
        ("role " + ROLE, "absent"), ("policy " + POLICY, "absent")]
    assert outcome["diff"]["after"][MEMBER] == {"policy": None, "role": None}


def test_absent_in_check_mode_reads_only_and_absent_twice_changes_nothing():
    present = Iam().role(MEMBER, TRUST, attached=[policy_arn(MEMBER)]).policy(MEMBER, DOCUMENT)
    outcome, _sessions = converge({MEMBER: present}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}],
                                  state="absent", check_mode=True)
    assert outcome["changed"] is True
    gone = Iam().missing("get_role").missing("get_policy")
    outcome, _sessions = converge({MEMBER: gone}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}],
                                  state="absent")
    assert outcome["changed"] is False and outcome["roles"][0]["differences"] == []


@pytest.mark.parametrize("workers", [1, 8])
def test_results_keep_the_given_account_order_and_each_account_once(workers):
    accounts = ["{0:012d}".format(i) for i in range(1, 11)]
    clients = {account: Iam().policy(account, DOCUMENT).role(account, TRUST, attached=[policy_arn(account)])
               for account in accounts}
    sessions = StubbedSessions({account: iam.client for account, iam in clients.items()})
    given = [{"account_id": account, "role_arn": role_arn(account)} for account in accounts] + [
        {"account_id": accounts[0], "role_arn": role_arn(accounts[0])}]
    outcome = irp.converge_accounts(sessions, given, WANTED, caller=None, max_workers=workers)
    assert [entry["account_id"] for entry in outcome["roles"]] == accounts
    assert sorted(sessions.assumed) == accounts


def test_the_role_arns_partition_names_the_policy():
    iam = Iam()
    arn = "arn:aws-us-gov:iam::{0}:policy/{1}".format(MEMBER, POLICY)
    iam.missing("get_policy", {"PolicyArn": arn}).missing("get_role", {"RoleName": ROLE})
    outcome, _sessions = converge({MEMBER: iam}, [{"account_id": MEMBER,
                                                   "role_arn": "arn:aws-us-gov:iam::{0}:role/R".format(MEMBER)}],
                                  check_mode=True)
    assert outcome["roles"][0]["policy_arn"] == arn


MAIN_WANTED = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]},
    {"Sid": "SNSSubscription", "Effect": "Allow", "Action": ["sns:Subscribe"],
     "Resource": ["arn:aws:sns:us-east-1:111111111111:guardduty-s3-radiantsecurity"]}]}
MAIN_CURRENT = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*", "arn:aws:s3:::extra"]},
    {"Sid": "SNSSubscription", "Effect": "Allow", "Action": ["sns:Subscribe"],
     "Resource": "arn:aws:sns:us-east-1:111111111111:cloudtrail-radiantsecurity"},
    {"Sid": "KMSDecrypt", "Effect": "Allow", "Action": ["kms:Decrypt"],
     "Resource": ["arn:aws:kms:us-east-1:111111111111:key/1"]}]}


def test_kept_statements_keep_the_current_resources_and_add_the_wanted_ones():
    merged = irp.keep_current_resources(MAIN_CURRENT, MAIN_WANTED, ["SNSSubscription", "KMSDecrypt"])
    by_sid = {statement["Sid"]: statement for statement in merged["Statement"]}
    assert by_sid["SNSSubscription"]["Resource"] == [
        "arn:aws:sns:us-east-1:111111111111:guardduty-s3-radiantsecurity",
        "arn:aws:sns:us-east-1:111111111111:cloudtrail-radiantsecurity"]
    # A kept statement the wanted policy lacks stays whole; a statement not named is exactly as wanted.
    assert by_sid["KMSDecrypt"] == MAIN_CURRENT["Statement"][2]
    assert by_sid["Read"] == MAIN_WANTED["Statement"][0]
    assert len(MAIN_WANTED["Statement"]) == 2  # the wanted document itself is left alone


def test_nothing_kept_or_nothing_current_is_the_wanted_policy_itself():
    assert irp.keep_current_resources(MAIN_CURRENT, MAIN_WANTED, []) is MAIN_WANTED
    assert irp.keep_current_resources(None, MAIN_WANTED, ["KMSDecrypt"]) is MAIN_WANTED
    assert irp.keep_current_resources({"Statement": []}, MAIN_WANTED, ["KMSDecrypt"]) is MAIN_WANTED


def test_a_run_that_does_not_know_the_trails_topic_and_key_does_not_take_them_away():
    """--tags radiant_iam alone: the kept statements already grant more than this run names; nothing is written."""
    wanted = irp.WantedRole(ROLE, POLICY, assume_role_policy_document=json.dumps(TRUST), policy=MAIN_WANTED,
                            role_description="Read-only API access", policy_description="Read-only API access",
                            keep_resources_of=["SNSSubscription", "KMSDecrypt"])
    current = {"Version": "2012-10-17", "Statement": [MAIN_WANTED["Statement"][0], {
        "Sid": "SNSSubscription", "Effect": "Allow", "Action": ["sns:Subscribe"],
        "Resource": ["arn:aws:sns:us-east-1:111111111111:guardduty-s3-radiantsecurity",
                     "arn:aws:sns:us-east-1:111111111111:cloudtrail-radiantsecurity"]}, MAIN_CURRENT["Statement"][2]]}
    iam = Iam().policy(MEMBER, current).role(MEMBER, TRUST, attached=[policy_arn(MEMBER)])
    outcome, _sessions = converge({MEMBER: iam}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}], wanted=wanted)
    assert outcome["changed"] is False and outcome["roles"][0]["differences"] == []


def test_a_kept_statement_still_gains_what_this_run_names():
    wanted = irp.WantedRole(ROLE, POLICY, assume_role_policy_document=json.dumps(TRUST), policy=MAIN_WANTED,
                            role_description="Read-only API access", policy_description="Read-only API access",
                            keep_resources_of=["SNSSubscription"])
    current = {"Version": "2012-10-17", "Statement": [MAIN_WANTED["Statement"][0], MAIN_CURRENT["Statement"][1]]}
    expected = irp.keep_current_resources(current, MAIN_WANTED, ["SNSSubscription"])
    arn = policy_arn(MEMBER)
    iam = Iam().policy(MEMBER, current)
    iam.answer("create_policy_version", {"PolicyVersion": {"VersionId": "v2", "IsDefaultVersion": True}},
               {"PolicyArn": arn, "PolicyDocument": json.dumps(expected), "SetAsDefault": True})
    iam.answer("delete_policy_version", {}, {"PolicyArn": arn, "VersionId": "v1"})
    iam.role(MEMBER, TRUST, attached=[arn])
    outcome, _sessions = converge({MEMBER: iam}, [{"account_id": MEMBER, "role_arn": role_arn(MEMBER)}], wanted=wanted)
    assert [d["field"] for d in outcome["roles"][0]["differences"]] == ["document"]
    assert outcome["diff"]["after"][MEMBER]["policy"]["document"] == expected
    assert set(expected["Statement"][1]["Resource"]) == {
        "arn:aws:sns:us-east-1:111111111111:guardduty-s3-radiantsecurity",
        "arn:aws:sns:us-east-1:111111111111:cloudtrail-radiantsecurity"}
