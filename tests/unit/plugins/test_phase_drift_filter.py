"""org_trail_drift, findings_export_drift, cross_account_logging_drift and radiant_iam_drift: the findings each
phase's verify reports, from its check-mode results."""

from ansible_collections.radiant.aws_onboarding.plugins.filter.phase_drift import (
    cross_account_logging_drift,
    findings_export_drift,
    org_trail_drift,
    radiant_iam_drift,
)

MANAGEMENT, LOG, ADMIN = "111111111111", "222222222222", "333333333333"
CTX = {
    "region": "us-east-1", "management_account_id": MANAGEMENT, "log_account_id": LOG,
    "trail_arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/management-events",
    "bucket_arn": "arn:aws:s3:::example-cloudtrail-radiantsecurity",
    "topic_arn": "arn:aws:sns:us-east-1:222222222222:cloudtrail-radiantsecurity",
    "key_alias": "alias/cloudtrail-log-encryption",
}
TRAIL = {"is_multi_region_trail": True, "is_organization_trail": True, "log_file_validation_enabled": True}
UNCHANGED = {"changed": False}
SKIPPED = {"changed": False, "skipped": True}


def clean_org_trail(**overrides):
    results = {"trusted_access": UNCHANGED, "bucket_drift": [], "bucket_policy": UNCHANGED, "key": SKIPPED,
               "key_policy": SKIPPED, "topic": UNCHANGED, "topic_planned": SKIPPED, "topic_policy": UNCHANGED,
               "trail": {"changed": False, "diff": {"before": dict(TRAIL), "after": dict(TRAIL)}}}
    results.update(overrides)
    return results


def org_finding(account, resource, field, expected, actual):
    return {"account": account, "resource": resource, "field": field, "expected": expected, "actual": actual,
            "phase": "org_trail", "region": "us-east-1"}


def test_org_trail_in_place_has_no_finding():
    assert org_trail_drift(clean_org_trail(), CTX) == []


def test_org_trail_missing_trail_is_one_finding_not_one_per_setting():
    found = org_trail_drift(clean_org_trail(trail={"changed": True, "diff": {"before": {}, "after": dict(TRAIL)}}),
                            CTX)
    assert found == [org_finding(MANAGEMENT, CTX["trail_arn"], "exists", True, False)]


def test_org_trail_each_drifted_trail_setting_is_a_finding_with_the_current_value():
    after = dict(TRAIL, s3_key_prefix="logs")
    before = dict(TRAIL, is_multi_region_trail=False)
    found = org_trail_drift(clean_org_trail(trail={"changed": True, "diff": {"before": before, "after": after}}), CTX)
    assert found == [
        org_finding(MANAGEMENT, CTX["trail_arn"], "is_multi_region_trail", True, False),
        org_finding(MANAGEMENT, CTX["trail_arn"], "s3_key_prefix", "logs", None),
    ]


def test_org_trail_findings_follow_the_order_aws_validates():
    results = clean_org_trail(
        trusted_access={"changed": True, "enabled_service_principals": ["guardduty.amazonaws.com"]},
        bucket_drift=[{"field": "public_access_block", "expected": {"BlockPublicAcls": True},
                       "actual": {"BlockPublicAcls": False}}],
        bucket_policy={"changed": True, "statements_added": ["AWSCloudTrailWrite"],
                       "statements_updated": ["AWSCloudTrailAclCheck"]},
        key={"changed": True}, key_policy={"changed": True, "statements_added": ["CloudTrailEncrypt"]},
        topic=SKIPPED, topic_planned={"changed": True},
        topic_policy={"changed": True, "statements_updated": ["AWSCloudTrailSNSPolicy"]},
    )
    assert org_trail_drift(results, CTX) == [
        org_finding(MANAGEMENT, "organization trusted access", "service_principals", "cloudtrail.amazonaws.com",
                    ["guardduty.amazonaws.com"]),
        org_finding(LOG, CTX["bucket_arn"], "public_access_block", {"BlockPublicAcls": True},
                    {"BlockPublicAcls": False}),
        org_finding(LOG, CTX["bucket_arn"] + " policy", "statements", ["AWSCloudTrailWrite", "AWSCloudTrailAclCheck"],
                    "missing or different"),
        org_finding(LOG, CTX["key_alias"], "key", "exists with rotation", "missing or different"),
        org_finding(LOG, CTX["key_alias"] + " policy", "statements", ["CloudTrailEncrypt"], "missing or different"),
        org_finding(LOG, CTX["topic_arn"], "topic", "exists", "missing or different"),
        org_finding(LOG, CTX["topic_arn"] + " policy", "statements", ["AWSCloudTrailSNSPolicy"],
                    "missing or different"),
    ]


def test_org_trail_trusted_access_lists_the_other_principals_only():
    results = clean_org_trail(trusted_access={"changed": True})
    assert org_trail_drift(results, CTX)[0]["actual"] == []


# findings_export -----------------------------------------------------------------------------------------------

BUCKET = "example-guardduty-radiantsecurity"
ALIAS = "guardduty-s3-radiantsecurity"
KEY_ARN = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
WHERE = {"account": LOG, "region": "us-east-1", "phase": "findings_export"}
PRIVATE = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def bucket_facts(block=None, sse=None):
    """The bucket's record as resource_owner_info reads it, with its public access block and encryption."""
    return {"type": "s3_bucket", "name": BUCKET, "state": "owned",
            "public_access_block": dict(PRIVATE) if block is None else block,
            "encryption": {"Rules": [{"ApplyServerSideEncryptionByDefault": (
                {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ARN} if sse is None else sse)}]}}


def clean_export(**overrides):
    results = {"key": UNCHANGED, "bucket": bucket_facts(), "key_policy": UNCHANGED, "bucket_policy": UNCHANGED,
               "stale_policies": {"changed": False, "results": [
                   {"changed": False, "item": {"type": "kms_key"}, "statements_removed": []},
                   {"changed": False, "item": {"type": "s3_bucket"}, "statements_removed": []}]},
               "member_check": {},
               "destinations": {"changed": False, "diff": {"before": {}, "after": {}}, "destinations": [
                   {"account_id": ADMIN, "region": "us-east-1", "changed": False, "error": None},
                   {"account_id": ADMIN, "region": "eu-west-1", "changed": False, "error": None}]}}
    results.update(overrides)
    return results


def export_drift(results):
    return findings_export_drift(results, account=LOG, region="us-east-1", bucket_name=BUCKET, key_alias=ALIAS,
                                 key_arn=KEY_ARN)


def export_finding(resource, field, expected, actual, **where):
    return dict(WHERE, resource=resource, field=field, expected=expected, actual=actual, **where)


def test_export_in_place_has_no_finding():
    assert export_drift(clean_export()) == []


def test_export_key_given_by_id_or_alias_is_in_place():
    for key_id in (KEY_ARN.rsplit("/", maxsplit=1)[-1], "alias/" + ALIAS):
        results = clean_export(bucket=bucket_facts(sse={"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id}))
        assert export_drift(results) == []


def test_export_missing_key_and_bucket():
    found = export_drift(clean_export(key={"changed": True}, bucket={"type": "s3_bucket", "name": BUCKET,
                                                                     "state": "missing"}))
    assert found == [
        export_finding("kms key alias/" + ALIAS, "(resource)", "present, enabled, rotated yearly",
                       "missing or differs"),
        export_finding("bucket " + BUCKET, "(resource)", "present", "missing"),
    ]


def test_export_public_bucket_with_another_key_names_each_setting():
    found = export_drift(clean_export(bucket=bucket_facts(block={"BlockPublicAcls": True, "IgnorePublicAcls": False},
                                                          sse={"SSEAlgorithm": "AES256"})))
    assert found == [
        export_finding("bucket " + BUCKET, "public_access_block.IgnorePublicAcls", True, False),
        export_finding("bucket " + BUCKET, "public_access_block.BlockPublicPolicy", True, None),
        export_finding("bucket " + BUCKET, "public_access_block.RestrictPublicBuckets", True, None),
        export_finding("bucket " + BUCKET, "default_encryption", {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ARN},
                       {"SSEAlgorithm": "AES256"}),
    ]


def test_export_bucket_without_encryption_or_block_settings():
    results = clean_export(bucket={"type": "s3_bucket", "name": BUCKET, "state": "owned", "public_access_block": {},
                                   "encryption": {}})
    found = export_drift(results)
    assert [item["field"] for item in found] == ["public_access_block." + name for name in PRIVATE] + [
        "default_encryption"]
    assert found[-1]["actual"] == {}


def test_export_policy_statements_added_updated_and_stale():
    wanted = {"Sid": "AllowGuardDutyKey", "Effect": "Allow", "Action": "kms:GenerateDataKey"}
    previous = {"Sid": "AllowGuardDutyKey", "Effect": "Allow", "Action": "kms:Encrypt"}
    results = clean_export(
        key_policy={"changed": True, "statements_added": [], "statements_updated": ["AllowGuardDutyKey"],
                    "policy": {"Statement": [{"Sid": "Root"}, wanted]},
                    "previous_policy": {"Statement": previous}},  # one object, not a list: IAM grammar allows it
        bucket_policy={"changed": True, "statements_added": ["AllowGuardDutyPut"], "statements_updated": []},
        stale_policies={"changed": True, "results": [
            {"changed": True, "item": {"type": "kms_key"}, "statements_removed": ["OldKey"]},
            {"changed": False, "item": {"type": "s3_bucket"}, "statements_removed": []}]},
    )
    assert export_drift(results) == [
        export_finding("kms key alias/{0} policy".format(ALIAS), "Statement AllowGuardDutyKey", wanted, previous),
        export_finding("bucket {0} policy".format(BUCKET), "Statement AllowGuardDutyPut", "present", "missing"),
        export_finding("kms key alias/{0} policy".format(ALIAS), "Statement OldKey", "absent", "present"),
    ]


def test_export_statement_missing_from_the_live_policy_is_reported_as_none():
    results = clean_export(bucket_policy={"changed": True, "statements_updated": ["X"],
                                          "policy": {"Statement": [{"Sid": "X"}]}, "previous_policy": {}})
    assert export_drift(results) == [
        export_finding("bucket {0} policy".format(BUCKET), "Statement X", {"Sid": "X"}, None)]


def test_export_destinations_of_the_administrator_and_members():
    member_check = {
        "destinations": [{"account_id": "444444444444", "region": "eu-west-1", "error": "AccessDenied"},
                         {"account_id": "555555555555", "region": "us-east-1", "error": None}],
        "diff": {"before": {"555555555555/us-east-1": {}, "444444444444/us-east-1": {"kms_key_arn": "other"}},
                 "after": {"555555555555/us-east-1": {"kms_key_arn": KEY_ARN},
                           "444444444444/us-east-1": {"kms_key_arn": KEY_ARN}}},
    }
    # The administrator's check failed in one Region: the failed result still lists every pair.
    destinations = {
        "failed": True, "changed": True,
        "destinations": [{"account_id": ADMIN, "region": "us-east-1", "changed": True, "error": None},
                         {"account_id": ADMIN, "region": "eu-west-1", "changed": False,
                          "error": "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY"}],
        "diff": {"before": {ADMIN + "/us-east-1": {"destination_arn": "arn:aws:s3:::old"}},
                 "after": {ADMIN + "/us-east-1": {"destination_arn": "arn:aws:s3:::new"}}},
    }
    found = export_drift(clean_export(member_check=member_check, destinations=destinations))
    member = "member publishing destination"
    assert found == [
        export_finding(member, "status", "PUBLISHING", "AccessDenied", account="444444444444", region="eu-west-1"),
        export_finding(member, "kms_key_arn", KEY_ARN, "other", account="444444444444"),
        export_finding(member, "(resource)", "present", "missing", account="555555555555"),
        export_finding("publishing destination", "status", "PUBLISHING", "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY",
                       account=ADMIN, region="eu-west-1"),
        export_finding("publishing destination", "destination_arn", "arn:aws:s3:::new", "arn:aws:s3:::old",
                       account=ADMIN),
    ]


OUTSIDE_A, OUTSIDE_B, OUTSIDE_C = "444444444444", "555555555555", "666666666666"
CROSS_CTX = {"region": "us-east-1", "target_account_id": LOG, "bucket_name": "example-cloudtrail-radiantsecurity",
             "bucket_arn": "arn:aws:s3:::example-cloudtrail-radiantsecurity",
             "topic_arn": CTX["topic_arn"], "reader_trust": {"Statement": [{"Principal": {"AWS": "radiant"}}]}}
SOURCE_TRAIL = {"name": "management-events", "is_logging": True, "is_multi_region_trail": True}


def source_entry(account_id, before, after):
    return {"account_id": account_id, "region": "us-east-1", "changed": before != after, "trail": after,
            "error": None, "diff": {"before": before, "after": after}}


def test_cross_account_logging_reports_each_account_trail_setting_and_the_target_account_changes():
    results = {
        "bucket_policy": {"changed": True, "statements_added": ["AWSCloudTrailCrossAccountWrite"],
                          "statements_updated": []},
        "bucket_planned": SKIPPED, "topic_policy": UNCHANGED, "reader_policy": UNCHANGED,
        "reader_role": {"changed": True},
        "trails": {"changed": True, "trails": [
            source_entry(OUTSIDE_A, dict(SOURCE_TRAIL, is_logging=False), dict(SOURCE_TRAIL)),
            source_entry(OUTSIDE_B, {}, dict(SOURCE_TRAIL)),
            source_entry(OUTSIDE_C, dict(SOURCE_TRAIL), dict(SOURCE_TRAIL))]},
    }
    found = cross_account_logging_drift(results, CROSS_CTX, "radiant-cloudtrail-reader", "management-events")
    where = {"region": "us-east-1", "phase": "cross_account_logging"}
    assert found == [
        dict(where, account=LOG, resource="arn:aws:s3:::example-cloudtrail-radiantsecurity policy", field="statements",
             expected=["AWSCloudTrailCrossAccountWrite"], actual="missing or different"),
        dict(where, account=LOG, resource="role radiant-cloudtrail-reader", field="trust policy",
             expected=CROSS_CTX["reader_trust"], actual="missing or different"),
        dict(where, account=OUTSIDE_A, resource="trail management-events", field="is_logging", expected=True,
             actual=False),
        dict(where, account=OUTSIDE_B, resource="trail management-events", field="(resource)", expected="present",
             actual="missing"),
    ]


def test_cross_account_logging_without_changes_or_results_is_no_drift():
    clean = {"bucket_policy": UNCHANGED, "bucket_planned": SKIPPED, "topic_policy": SKIPPED, "reader_role": UNCHANGED,
             "reader_policy": UNCHANGED,
             "trails": {"changed": False, "trails": [source_entry(OUTSIDE_A, SOURCE_TRAIL, SOURCE_TRAIL)]}}
    assert cross_account_logging_drift(clean, CROSS_CTX, "radiant-cloudtrail-reader", "management-events") == []
    assert cross_account_logging_drift({}, CROSS_CTX, "radiant-cloudtrail-reader", "management-events") == []


def test_radiant_iam_each_accounts_difference_is_a_finding_and_an_unreachable_account_is_one_too():
    ctx = {"management_account_id": MANAGEMENT, "main_account_id": LOG, "main_role_name": "radiant-aws-access-role",
           "api_role_name": "radiant-aws-api-access-role", "stackset_region": "us-east-1",
           "stackset_name": "radiant-aws-api-access-role"}
    trust = {"Statement": [{"Effect": "Allow"}]}
    main = {"changed": True, "roles": [{"account_id": LOG, "changed": True, "error": None, "differences": [
        {"resource": "role radiant-aws-access-role", "field": "assume_role_policy_document",
         "expected": trust, "actual": {"Statement": []}}]}]}
    api = {"changed": True, "failed": True, "msg": "1 of 2 accounts failed", "roles": [
        {"account_id": MANAGEMENT, "changed": False, "error": None, "differences": []},
        {"account_id": ADMIN, "changed": False, "error": "account 333333333333: could not assume", "differences": []}]}
    found = radiant_iam_drift({"main": main, "api": api, "stackset": SKIPPED, "trusted_access": SKIPPED}, ctx)
    where = {"region": "", "phase": "radiant_iam"}
    assert found == [
        dict(where, account=LOG, resource="role radiant-aws-access-role", field="assume_role_policy_document",
             expected=trust, actual={"Statement": []}),
        dict(where, account=ADMIN, resource="role radiant-aws-api-access-role", field="error", expected="readable",
             actual="account 333333333333: could not assume")]
    # Nothing differs, nothing skipped: no finding; a run that failed before any account is one finding.
    clean = {"changed": False, "roles": [{"account_id": LOG, "changed": False, "error": None, "differences": []}]}
    assert radiant_iam_drift({"main": clean, "api": SKIPPED, "stackset": SKIPPED}, ctx) == []
    assert radiant_iam_drift({"main": {"failed": False, "msg": "no credentials"}}, ctx) == [
        dict(where, account=LOG, resource="role radiant-aws-access-role", field="error", expected="readable",
             actual="no credentials")]
    assert radiant_iam_drift({"trusted_access": {"changed": True}}, ctx)[0]["resource"] == "organization trusted access"
