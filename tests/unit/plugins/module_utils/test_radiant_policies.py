"""The policies the onboarding writes match the seeds exactly, and the AWS statements are tight."""

import json
import os
import subprocess
import sys

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
    assert extra["SNSSubscription"]["Action"] == ["sns:Subscribe", "sns:Unsubscribe", "sns:ConfirmSubscription"]
    # Radiant assumes the API roles from its own session (their trust names only it), not from this role.
    assert set(extra) == {"SNSSubscription"}
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


@pytest.mark.parametrize("arn", ["arn:aws:iam::111111111111:root", "111111111111"])
def test_cross_account_reader_refuses_root_or_bare_account_principals(arn):
    with pytest.raises(ValueError, match="role ARNs"):
        rp.cross_account_reader_trust_policy([arn])


def test_api_role_template_passes_cfn_lint(tmp_path):
    template = tmp_path / "radiant-api-role.json"
    template.write_text(json.dumps(rp.api_role_cloudformation_template()))
    cfn_lint = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    result = subprocess.run([cfn_lint, str(template)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    role = rp.api_role_cloudformation_template()["Resources"]["RadiantApiAccessRole"]["Properties"]
    assert role["Policies"][0]["PolicyDocument"] == _seed("seed001_api_policy.json")
    assert role["RoleName"] == "radiant-aws-api-access-role"


def test_cross_account_source_statements_are_per_account_under_the_prefix_and_narrowed_to_the_trail():
    trail = "arn:aws:cloudtrail:us-east-1:990000000001:trail/management-events"
    acl, write = rp.cross_account_source_statements("central", "990000000001", trail_arn=trail, prefix="/ext/")
    assert (acl["Sid"], write["Sid"]) == ("AWSCloudTrailAclCheck990000000001", "AWSCloudTrailWrite990000000001")
    assert acl["Resource"] == "arn:aws:s3:::central"
    assert write["Resource"] == "arn:aws:s3:::central/ext/AWSLogs/990000000001/*"
    assert write["Condition"]["StringEquals"] == {
        "s3:x-amz-acl": "bucket-owner-full-control",
        "aws:SourceAccount": "990000000001",
        "aws:SourceArn": trail,
    }
    assert acl["Condition"]["StringEquals"]["aws:SourceArn"] == trail
    other = rp.cross_account_source_statements("central", "990000000002")
    assert {s["Sid"] for s in other}.isdisjoint({acl["Sid"], write["Sid"]})
    assert other[1]["Resource"] == "arn:aws:s3:::central/AWSLogs/990000000002/*"


@pytest.mark.parametrize("account, trail", [
    ("99000000001", None),
    ("990000000001", "arn:aws:cloudtrail:us-east-1:990000000002:trail/t"),
])
def test_cross_account_source_statements_refuse_a_bad_account_or_another_accounts_trail(account, trail):
    with pytest.raises(ValueError):
        rp.cross_account_source_statements("central", account, trail_arn=trail)


def test_cross_account_reader_policy_reads_only_the_log_bucket():
    policy = rp.cross_account_reader_policy("central", prefix="ext")
    resources = [s["Resource"] for s in policy["Statement"]]
    assert resources == ["arn:aws:s3:::central", "arn:aws:s3:::central/ext/*"]
    actions = [a for s in policy["Statement"] for a in s["Action"]]
    assert all(a.startswith(("s3:Get", "s3:List")) for a in actions)
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])


ORG_DETECTOR = "arn:aws:guardduty:us-east-1:111111111111:detector/{0:032x}"
OUTSIDE_DETECTOR = "arn:aws:guardduty:us-east-1:990000000001:detector/" + "f" * 32


def test_organization_scope_admits_the_organization_by_source_org_id_and_outsiders_by_arn():
    key = "arn:aws:kms:us-east-1:111111111111:key/k"
    bucket = {s["Sid"]: s for s in rp.guardduty_export_bucket_statements(
        "findings", key, organization_id="o-abc123", outside_detector_arns=[OUTSIDE_DETECTOR])}
    assert bucket["AllowGuardDutyPutObject"]["Condition"] == {"StringEquals": {"aws:SourceOrgID": "o-abc123"}}
    assert bucket["AllowGuardDutyGetBucketLocation"]["Condition"] == {"StringEquals": {"aws:SourceOrgID": "o-abc123"}}
    assert bucket["AllowGuardDutyPutObjectOutsideOrganization"]["Condition"] == {"StringEquals": {
        "aws:SourceAccount": "990000000001", "aws:SourceArn": OUTSIDE_DETECTOR}}
    assert bucket["AllowGuardDutyGetBucketLocationOutsideOrganization"]["Resource"] == "arn:aws:s3:::findings"
    assert {"DenyUnencryptedGuardDutyUploads", "DenyGuardDutyUploadsWithOtherKey"} < set(bucket)
    key_statements = {s["Sid"]: s for s in rp.guardduty_export_key_statements(
        key, organization_id="o-abc123", outside_detector_arns=[OUTSIDE_DETECTOR])}
    assert set(key_statements) == {"AllowGuardDutyToEncryptFindings",
                                   "AllowGuardDutyToEncryptFindingsOutsideOrganization"}
    assert key_statements["AllowGuardDutyToEncryptFindings"]["Condition"] == {
        "StringEquals": {"aws:SourceOrgID": "o-abc123"}}
    # Without outside accounts there is no outside pair, and the stale-statement list names it for removal.
    assert "AllowGuardDutyPutObjectOutsideOrganization" not in {
        s["Sid"] for s in rp.guardduty_export_bucket_statements("findings", key, organization_id="o-abc123")}
    assert rp.guardduty_export_stale_statements(organization_id="o-abc123") == {
        "bucket": [{"Sid": "AllowGuardDutyGetBucketLocationOutsideOrganization"},
                   {"Sid": "AllowGuardDutyPutObjectOutsideOrganization"}],
        "key": [{"Sid": "AllowGuardDutyToEncryptFindingsOutsideOrganization"}]}
    assert rp.guardduty_export_stale_statements("o-abc123", [OUTSIDE_DETECTOR]) == {"bucket": [], "key": []}
    # Detector scope: the outside pair is stale too, and the main pair lists the detectors.
    assert rp.guardduty_export_stale_statements(outside_detector_arns=[OUTSIDE_DETECTOR])["key"]
    with pytest.raises(ValueError, match="at least one"):
        rp.guardduty_export_bucket_statements("findings", key, [])


def test_policy_sizes_tell_when_detector_scope_outgrows_s3_and_kms_limits():
    few = [ORG_DETECTOR.format(i) for i in range(20)]
    sizes = rp.guardduty_export_policy_sizes("acme-guardduty-radiantsecurity", "us-east-1", few)
    assert sizes["fits"] and sizes["detectors"] == 20
    assert sizes["bucket"]["limit"] == 20 * 1024 and sizes["key"]["limit"] == 32 * 1024
    assert 0 < sizes["key"]["size"] < sizes["bucket"]["size"] < 20 * 1024
    many = [ORG_DETECTOR.format(i) for i in range(2000)]
    sizes = rp.guardduty_export_policy_sizes("acme-guardduty-radiantsecurity", "us-east-1", many)
    assert not sizes["fits"] and not sizes["bucket"]["fits"] and not sizes["key"]["fits"]
    assert sizes["bucket"]["size"] > 2000 * 80 * 2  # both Allow statements list every ARN
    # The size counted is the compact JSON the module sends.
    statements = rp.guardduty_export_bucket_statements(
        "acme-guardduty-radiantsecurity", "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000",
        many) + [rp.tls_only_bucket_statement("acme-guardduty-radiantsecurity")]
    assert sizes["bucket"]["size"] == len(json.dumps(
        {"Version": "2012-10-17", "Statement": statements}, separators=(",", ":")))
    # Organization scope does not grow with the organization.
    sizes = rp.guardduty_export_policy_sizes("acme-guardduty-radiantsecurity", "us-east-1", many,
                                             organization_id="o-abc123", outside_detector_arns=[OUTSIDE_DETECTOR])
    assert sizes["fits"] and sizes["bucket"]["size"] < 4 * 1024
