"""Every valid shape of a customer's statement survives merging, and is never taken for ours.

The IAM policy grammar makes Sid optional, lets Statement be one object instead of a list,
and lets Principal, Action, Resource and condition values be a string or a list (with the
Not* forms): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

import copy
import json

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import policy as P

BUCKET_ARN = "arn:aws:s3:::example-findings"
CUSTOMER_ACCOUNT = "arn:aws:iam::111122223333:root"

OURS = {
    "Sid": "AllowGuardDutyPutObject",
    "Effect": "Allow",
    "Principal": {"Service": "guardduty.amazonaws.com"},
    "Action": "s3:PutObject",
    "Resource": BUCKET_ARN + "/*",
    "Condition": {"StringEquals": {"aws:SourceAccount": "444455556666"}},
}

# (id, a customer's statement). Each is kept exactly, in its place, through onboarding and offboarding.
CUSTOMER_SHAPES = [
    ("no Sid", {"Effect": "Allow", "Principal": {"AWS": CUSTOMER_ACCOUNT}, "Action": "s3:GetObject",
                "Resource": BUCKET_ARN + "/*"}),
    ("empty Sid", {"Sid": "", "Effect": "Allow", "Principal": {"AWS": CUSTOMER_ACCOUNT}, "Action": "s3:GetObject",
                   "Resource": BUCKET_ARN + "/*"}),
    ("Principal '*' with a condition", {
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [BUCKET_ARN, BUCKET_ARN + "/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
    ("Principal AWS as a string", {"Sid": "ReadByString", "Effect": "Allow", "Principal": {"AWS": CUSTOMER_ACCOUNT},
                                   "Action": ["s3:GetObject"], "Resource": [BUCKET_ARN + "/*"]}),
    ("Principal AWS as a list", {"Effect": "Allow",
                                 "Principal": {"AWS": [CUSTOMER_ACCOUNT, "arn:aws:iam::111122223333:role/audit"]},
                                 "Action": ["s3:GetObject", "s3:ListBucket"],
                                 "Resource": [BUCKET_ARN, BUCKET_ARN + "/*"]}),
    ("Principal AWS as a bare account id", {"Effect": "Allow", "Principal": {"AWS": "111122223333"},
                                            "Action": "s3:GetBucketLocation", "Resource": BUCKET_ARN}),
    ("several principal kinds", {"Effect": "Allow",
                                 "Principal": {"AWS": [CUSTOMER_ACCOUNT], "Service": "logging.s3.amazonaws.com"},
                                 "Action": "s3:PutObject", "Resource": BUCKET_ARN + "/access-logs/*"}),
    ("NotPrincipal", {"Effect": "Deny", "NotPrincipal": {"AWS": [CUSTOMER_ACCOUNT]}, "Action": "s3:DeleteBucket",
                      "Resource": BUCKET_ARN}),
    ("NotAction", {"Sid": "OnlyReads", "Effect": "Deny", "Principal": {"AWS": CUSTOMER_ACCOUNT},
                   "NotAction": ["s3:GetObject", "s3:ListBucket"], "Resource": BUCKET_ARN + "/*"}),
    ("NotResource", {"Effect": "Deny", "Principal": {"AWS": CUSTOMER_ACCOUNT}, "Action": "s3:GetObject",
                     "NotResource": BUCKET_ARN + "/public/*"}),
    ("condition values as string and list, numbers and booleans", {
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": BUCKET_ARN + "/*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-aaaaaaaaaa", "o-bbbbbbbbbb"],
                                       "aws:PrincipalTag/team": "audit"},
                      "NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:MultiFactorAuthPresent": True}}}),
    ("Sid that is not a string", {"Sid": ["not", "a", "string"], "Effect": "Allow",
                                  "Principal": {"AWS": CUSTOMER_ACCOUNT}, "Action": "s3:GetObject",
                                  "Resource": BUCKET_ARN + "/*"}),
    ("our statement's content without a Sid", {k: v for k, v in OURS.items() if k != "Sid"}),
    ("our Sid in another case", dict(OURS, Sid=OURS["Sid"].lower())),
]
SHAPES = [shape for name, shape in CUSTOMER_SHAPES]
SHAPE_IDS = [name for name, shape in CUSTOMER_SHAPES]


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def customer_statements(policy):
    """The statements of ``policy`` that are not ours, in order."""
    return [s for s in P._statements_of(policy) if P.sid_of(s) != OURS["Sid"]]


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_customer_statement_survives_onboarding_rerun_and_offboarding(shape):
    neighbour = {"Sid": "CustomerAuditRead", "Effect": "Allow", "Principal": {"AWS": CUSTOMER_ACCOUNT},
                 "Action": "s3:GetBucketAcl", "Resource": BUCKET_ARN}
    before = {"Version": "2012-10-17", "Id": "customer", "Statement": [copy.deepcopy(shape), neighbour]}
    original = compact(before)

    onboarded = P.merge_statements(before, [OURS])
    assert (onboarded.added, onboarded.updated, onboarded.removed) == (["AllowGuardDutyPutObject"], [], [])
    assert compact(onboarded.policy["Statement"][:2]) == compact([shape, neighbour]), "kept exactly, in place"
    assert onboarded.policy["Statement"][2] == OURS
    assert compact(before) == original, "the live policy must not be mutated"

    rerun = P.merge_statements(onboarded.policy, [OURS])
    assert not rerun.changed

    offboarded = P.merge_statements(onboarded.policy, [{"Sid": OURS["Sid"]}], state="absent")
    assert offboarded.removed == [OURS["Sid"]]
    assert compact(offboarded.policy) == original


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_statement_as_a_single_object(shape):
    before = {"Version": "2012-10-17", "Statement": copy.deepcopy(shape)}
    onboarded = P.merge_statements(before, [OURS])
    assert onboarded.added == [OURS["Sid"]]
    assert compact(onboarded.policy["Statement"]) == compact([shape, OURS])
    offboarded = P.merge_statements(onboarded.policy, [{"Sid": OURS["Sid"]}], state="absent")
    assert compact(offboarded.policy["Statement"]) == compact([shape])
    # Nothing of ours in it: removing changes nothing.
    assert not P.merge_statements(before, [{"Sid": OURS["Sid"]}], state="absent").changed


def test_our_statement_alone_as_a_single_object_is_recognised():
    result = P.merge_statements({"Version": "2012-10-17", "Statement": copy.deepcopy(OURS)}, [OURS])
    assert not result.changed
    removed = P.merge_statements({"Version": "2012-10-17", "Statement": copy.deepcopy(OURS)}, [OURS], state="absent")
    assert removed.removed == [OURS["Sid"]] and removed.empty


def test_every_shape_at_once_keeps_order_and_bytes():
    before = {"Version": "2012-10-17", "Statement": copy.deepcopy(SHAPES)}
    onboarded = P.merge_statements(before, [OURS, dict(OURS, Sid="DenyInsecureTransportOurs", Effect="Deny")])
    assert compact(customer_statements(onboarded.policy)[:len(SHAPES)]) == compact(SHAPES)
    assert not P.merge_statements(onboarded.policy, [OURS, dict(OURS, Sid="DenyInsecureTransportOurs",
                                                                Effect="Deny")]).changed
    offboarded = P.merge_statements(onboarded.policy, [{"Sid": OURS["Sid"]}, {"Sid": "DenyInsecureTransportOurs"}],
                                    state="absent")
    assert compact(offboarded.policy) == compact(before)


def test_a_sidless_copy_of_our_statement_is_not_ours():
    """A customer may hold the same grant without a Sid: ours is still added, and offboarding keeps theirs."""
    theirs = {k: v for k, v in OURS.items() if k != "Sid"}
    result = P.merge_statements({"Version": "2012-10-17", "Statement": [theirs]}, [OURS])
    assert result.added == [OURS["Sid"]]
    offboarded = P.merge_statements(result.policy, [{"Sid": OURS["Sid"]}], state="absent")
    assert offboarded.policy["Statement"] == [theirs]


def test_several_sidless_statements_are_no_duplicate_sids():
    sidless = {k: v for k, v in OURS.items() if k != "Sid"}
    result = P.merge_statements({"Version": "2012-10-17", "Statement": [sidless, copy.deepcopy(sidless)]}, [OURS])
    assert result.policy["Statement"] == [sidless, sidless, OURS]


def test_requested_statements_still_need_a_sid():
    """Ours are matched by Sid: a Sid-less request could never be found again, so it is refused."""
    with pytest.raises(P.PolicyError, match="has no Sid"):
        P.merge_statements(None, [{k: v for k, v in OURS.items() if k != "Sid"}])
    with pytest.raises(P.PolicyError, match="has no Sid"):
        P.merge_statements(None, [{"Sid": ["AllowGuardDutyPutObject"]}], state="absent")


# (id, live form of our statement, requested form): equal, so a re-run changes nothing.
EQUIVALENT_FORMS = [
    ("Principal AWS string vs list", {"Principal": {"AWS": CUSTOMER_ACCOUNT}},
     {"Principal": {"AWS": [CUSTOMER_ACCOUNT]}}),
    ("Principal '*' vs AWS '*'", {"Principal": "*"}, {"Principal": {"AWS": "*"}}),
    ("Principal AWS list order", {"Principal": {"AWS": [CUSTOMER_ACCOUNT, "arn:aws:iam::444455556666:root"]}},
     {"Principal": {"AWS": ["444455556666", "111122223333"]}}),
    ("NotPrincipal string vs list", {"Principal": None, "NotPrincipal": {"AWS": CUSTOMER_ACCOUNT}},
     {"Principal": None, "NotPrincipal": {"AWS": [CUSTOMER_ACCOUNT]}}),
    ("NotAction string vs list, case", {"Action": None, "NotAction": "S3:GetObject"},
     {"Action": None, "NotAction": ["s3:getobject"]}),
    ("NotResource string vs list", {"Resource": None, "NotResource": BUCKET_ARN},
     {"Resource": None, "NotResource": [BUCKET_ARN]}),
    ("Condition value string vs list", {"Condition": {"StringEquals": {"aws:SourceAccount": ["444455556666"]}}},
     OURS),
    ("Condition boolean vs string", {"Condition": {"Bool": {"aws:SecureTransport": False}}},
     {"Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
]
# (id, live form, requested form): different grants, so the requested one replaces the live one.
DIFFERENT_FORMS = [
    ("Principal vs NotPrincipal", {"Principal": {"AWS": CUSTOMER_ACCOUNT}},
     {"Principal": None, "NotPrincipal": {"AWS": CUSTOMER_ACCOUNT}}),
    ("Action vs NotAction", {"Action": "s3:GetObject"}, {"Action": None, "NotAction": "s3:GetObject"}),
    ("Resource vs NotResource", {"Resource": BUCKET_ARN}, {"Resource": None, "NotResource": BUCKET_ARN}),
    ("Resource case", {"Resource": BUCKET_ARN + "/A"}, {"Resource": BUCKET_ARN + "/a"}),
    ("one more condition value", {}, {"Condition": {"StringEquals": {"aws:SourceAccount": ["444455556666", "1"]}}}),
]


def our_form(changes):
    statement = copy.deepcopy(OURS)
    for key, value in changes.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = copy.deepcopy(value)
    return statement


@pytest.mark.parametrize("live, requested", [c[1:] for c in EQUIVALENT_FORMS], ids=[c[0] for c in EQUIVALENT_FORMS])
def test_equivalent_forms_of_our_statement_change_nothing(live, requested):
    live_statement, requested_statement = our_form(live), our_form(requested)
    assert P.statements_equal(live_statement, requested_statement)
    result = P.merge_statements({"Version": "2012-10-17", "Statement": live_statement}, [requested_statement])
    assert not result.changed


@pytest.mark.parametrize("live, requested", [c[1:] for c in DIFFERENT_FORMS], ids=[c[0] for c in DIFFERENT_FORMS])
def test_different_forms_of_our_statement_are_replaced(live, requested):
    live_statement, requested_statement = our_form(live), our_form(requested)
    result = P.merge_statements({"Version": "2012-10-17", "Statement": [live_statement]}, [requested_statement])
    assert result.updated == [OURS["Sid"]]
    assert result.policy["Statement"] == [requested_statement]
