"""The policies the onboarding writes match docs/requirements.md exactly, and the AWS statements are tight."""

import json
import os

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import radiant_policies as rp

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")


def _seed(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def test_api_role_policy_is_seed_001_verbatim():
    assert rp.api_access_policy() == _seed("seed001_api_policy.json")


def test_main_role_policy_starts_with_seed_000_verbatim_and_adds_no_kms_without_keys():
    policy = rp.main_access_policy(sns_topic_arns=["arn:aws:sns:us-east-1:111111111111:t"])
    seed = _seed("seed000_radiant_policy.json")
    assert policy["Statement"][: len(seed["Statement"])] == seed["Statement"]
    sids = [s["Sid"] for s in policy["Statement"]]
    assert "KMSDecrypt" not in sids
    extra = {s["Sid"]: s for s in policy["Statement"][len(seed["Statement"]):]}
    assert extra["SNSSubscription"]["Action"] == ["sns:Subscribe", "sns:ConfirmSubscription"]
    # Unsubscribe supports no resource-level permission: named topics would never allow it.
    assert extra["SNSUnsubscribe"] == {"Sid": "SNSUnsubscribe", "Effect": "Allow", "Action": ["sns:Unsubscribe"],
                                       "Resource": "*"}
    # Radiant assumes the API roles from its own session (their trust names only it), not from this role.
    assert set(extra) == {"SNSSubscription", "SNSUnsubscribe"}
    assert not [s for s in policy["Statement"] if any(a.startswith("sts:") for a in s["Action"])]


def test_main_role_policy_adds_kms_decrypt_only_for_the_keys_used():
    keys = ["arn:aws:kms:us-east-1:111111111111:key/b", "arn:aws:kms:us-east-1:111111111111:key/a"]
    policy = rp.main_access_policy(kms_key_arns=keys)
    kms = [s for s in policy["Statement"] if s["Sid"] == "KMSDecrypt"]
    assert kms == [{"Sid": "KMSDecrypt", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": sorted(keys)}]


def test_trust_policy_is_the_seeds_with_the_external_id_filled_in():
    seed = _seed("seed000_trust_policy.json")
    seed["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = "rs-123"
    assert rp.radiant_trust_policy("rs-123") == seed
    seed1 = _seed("seed001_trust_policy.json")
    seed1["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = "rs-123"
    assert rp.radiant_trust_policy("rs-123", sid="Statement1") == seed1


def test_trust_policy_refuses_a_missing_external_id():
    with pytest.raises(ValueError, match="external ID"):
        rp.radiant_trust_policy("")


def test_org_trail_bucket_policy_covers_the_management_and_organization_paths():
    trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events"
    statements = rp.cloudtrail_bucket_statements("logs", trail, "123456789012", "o-abc123", prefix="ct/")
    resources = {s["Sid"]: s["Resource"] for s in statements}
    assert resources["AWSCloudTrailWrite20150319"] == "arn:aws:s3:::logs/ct/AWSLogs/123456789012/*"
    assert resources["AWSCloudTrailOrganizationWrite20150319"] == "arn:aws:s3:::logs/ct/AWSLogs/o-abc123/*"
    for statement in statements:
        assert statement["Condition"]["StringEquals"]["aws:SourceArn"] == trail


def test_guardduty_export_policies_list_every_detector_with_plain_string_equals():
    detectors = [
        "arn:aws:guardduty:us-east-1:111111111111:detector/a",
        "arn:aws:guardduty:us-west-2:222222222222:detector/b",
    ]
    key = "arn:aws:kms:us-east-1:111111111111:key/k"
    bucket = {s["Sid"]: s for s in rp.guardduty_export_bucket_statements("findings", key, detectors)}
    allow = bucket["AllowGuardDutyPutObject"]["Condition"]["StringEquals"]
    assert allow["aws:SourceArn"] == sorted(detectors)
    assert allow["aws:SourceAccount"] == ["111111111111", "222222222222"]
    assert bucket["AllowGuardDutyGetBucketLocation"]["Resource"] == "arn:aws:s3:::findings"
    assert bucket["DenyGuardDutyUploadsWithOtherKey"]["Condition"] == {
        "StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key}
    }
    (key_statement,) = rp.guardduty_export_key_statements(key, detectors[:1])
    assert key_statement["Action"] == "kms:GenerateDataKey"
    assert key_statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": "111111111111", "aws:SourceArn": detectors[0]
    }


def test_opt_in_regions_use_guardduty_regional_principal():
    assert rp.guardduty_service_principal("af-south-1", opt_in_regions={"af-south-1"}) == \
        "guardduty.af-south-1.amazonaws.com"
    assert rp.guardduty_service_principal("us-east-1", opt_in_regions={"af-south-1"}) == "guardduty.amazonaws.com"


def test_topic_policy_lets_only_the_named_bucket_and_account_publish():
    (statement,) = rp.s3_publish_topic_statements("arn:aws:sns:us-east-1:1:t", "findings", "111111111111")
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "111111111111"},
        "ArnLike": {"aws:SourceArn": "arn:aws:s3:::findings"},
    }


def test_cross_account_log_bucket_grows_one_path_per_source_account_under_the_prefix():
    acl, write = rp.cross_account_log_bucket_statements("central", ["222222222222", "111111111111"], prefix="ext")
    assert write["Resource"] == [
        "arn:aws:s3:::central/ext/AWSLogs/111111111111/*",
        "arn:aws:s3:::central/ext/AWSLogs/222222222222/*",
    ]
    assert acl["Action"] == "s3:GetBucketAcl"
    # Without trails the accounts themselves are the condition: never an unconditioned service grant.
    assert acl["Condition"] == {"StringEquals": {"aws:SourceAccount": ["111111111111", "222222222222"]}}
    assert write["Condition"]["StringEquals"]["aws:SourceAccount"] == ["111111111111", "222222222222"]


def test_cross_account_log_bucket_limits_both_statements_to_the_source_trails():
    trails = ["arn:aws:cloudtrail:us-east-1:{0}:trail/t".format(a) for a in ("111111111111", "222222222222")]
    acl, write = rp.cross_account_log_bucket_statements("central", ["222222222222", "111111111111"], trail_arns=trails)
    for statement in (acl, write):
        assert statement["Condition"]["StringEquals"]["aws:SourceArn"] == trails
        assert "aws:SourceAccount" not in statement["Condition"]["StringEquals"]
    assert write["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"


@pytest.mark.parametrize("accounts, trails, message", [
    ([], None, "at least one"),
    (["12345"], None, "12-digit"),
    (["111111111111"], ["arn:aws:cloudtrail:us-east-1:999999999999:trail/t"], "not in a source account"),
])
def test_cross_account_log_bucket_refuses_bad_accounts_and_foreign_trails(accounts, trails, message):
    with pytest.raises(ValueError, match=message):
        rp.cross_account_log_bucket_statements("central", accounts, trail_arns=trails)


def test_a_hundred_source_accounts_fit_one_bucket_policy_beside_the_organization_trail():
    # S3's bucket policy limit is 20 KB; a statement pair per account used to pass it at about 20 accounts.
    accounts = ["{0:012d}".format(100000000000 + n) for n in range(100)]
    trails = ["arn:aws:cloudtrail:us-east-1:{0}:trail/management-events".format(a) for a in accounts]
    statements = rp.cloudtrail_bucket_statements(
        "central", "arn:aws:cloudtrail:us-east-1:111111111111:trail/org", "111111111111", organization_id="o-abc123",
        prefix="ext") + rp.cross_account_log_bucket_statements("central", accounts, trail_arns=trails, prefix="ext")
    assert len(json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))) < 20480


@pytest.mark.parametrize("arn", ["arn:aws:iam::111111111111:root", "111111111111"])
def test_cross_account_reader_refuses_root_or_bare_account_principals(arn):
    with pytest.raises(ValueError, match="role ARNs"):
        rp.cross_account_reader_trust_policy([arn])


def test_api_role_template_holds_seed_001():
    role = rp.api_role_cloudformation_template()["Resources"]["RadiantApiAccessRole"]["Properties"]
    # The seed's policy, each of its ARNs in the partition of the account the stack instance is in.
    assert role["Policies"][0]["PolicyDocument"] == rp.in_stack_partition(_seed("seed001_api_policy.json"))
    assert role["RoleName"] == "radiant-aws-api-access-role"


# -- partitions: every ARN in the caller's partition, Radiant's own principal as Radiant gives it ----------
def _all_strings(value):
    if isinstance(value, dict):
        return [text for item in value.values() for text in _all_strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _all_strings(item)]
    return [value] if isinstance(value, str) else []


def _policies_in(partition):
    trail = "arn:{0}:cloudtrail:us-east-1:111122223333:trail/t".format(partition)
    detector = "arn:{0}:guardduty:us-east-1:444455556666:detector/d".format(partition)
    key = "arn:{0}:kms:us-east-1:444455556666:key/k".format(partition)
    topic = "arn:{0}:sns:us-east-1:444455556666:topic".format(partition)
    return {
        "api": rp.api_access_policy(partition=partition),
        "main": rp.main_access_policy([topic], [key], partition=partition),
        "trail bucket": rp.cloudtrail_bucket_statements("logs", trail, "111122223333", "o-abc", partition=partition),
        "trail key": rp.cloudtrail_key_statements(trail, "111122223333", partition=partition),
        "trail topic": rp.cloudtrail_topic_statements(topic, trail, partition=partition),
        "export bucket": rp.guardduty_export_bucket_statements("findings", key, [detector], partition=partition),
        "export key": rp.guardduty_export_key_statements(key, [detector], partition=partition),
        "tls": rp.tls_only_bucket_statement("findings", partition=partition),
        "s3 topic": rp.s3_publish_topic_statements(topic, "findings", "444455556666", partition=partition),
        "s3 key": rp.s3_publish_key_statements("findings", "444455556666", partition=partition),
        "cross bucket": rp.cross_account_log_bucket_statements("logs", ["555566667777"], partition=partition),
        "reader": rp.cross_account_reader_policy("logs", partition=partition),
    }


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_every_arn_a_policy_builds_is_in_the_partition_given(partition):
    for name, policy in _policies_in(partition).items():
        arns = [text for text in _all_strings(policy) if text.startswith("arn:")]
        assert arns, name
        # arn:*:guardduty is docs/requirements.md#api-access-role's partition-free resource; everything else names the
        # partition.
        assert all(text.split(":")[1] in (partition, "*") for text in arns), (name, arns)


def test_the_aws_partition_is_the_default_and_renders_as_before():
    assert _policies_in("aws")["api"] == rp.api_access_policy() == _seed("seed001_api_policy.json")
    assert rp.tls_only_bucket_statement("findings")["Resource"] == ["arn:aws:s3:::findings", "arn:aws:s3:::findings/*"]


@pytest.mark.parametrize("partition", ["aws-us-gov", "aws-cn"])
def test_radiants_own_principal_stays_in_the_aws_partition(partition):
    # Radiant names its own session; the customer's partition does not change whose it is.
    trust = rp.radiant_trust_policy("ext")
    assert trust["Statement"][0]["Principal"]["AWS"].startswith("arn:aws:sts::649384204969:")
    assert rp.cloudtrail_bucket_statements("logs", "t", "111122223333", partition=partition)[0]["Resource"] == \
        "arn:{0}:s3:::logs".format(partition)


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_guardduty_principals_in_each_partition(partition):
    regional = rp.guardduty_service_principal("af-south-1", {"af-south-1"}, partition)
    assert regional == "guardduty.af-south-1.amazonaws.com"
    assert rp.guardduty_service_principal("us-east-1", (), partition) == "guardduty.amazonaws.com"
