"""CloudTrail trail logic without AWS: selectors, comparison, updates, error messages."""

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import cloudtrail as ct

MANAGEMENT_ALL = {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
S3_ALL = {
    "Name": "S3 data events",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
    ],
}


def test_seed_000_selection_is_management_read_write_plus_s3_data_events_for_all_objects():
    assert ct.build_advanced_event_selectors("all", "all") == [MANAGEMENT_ALL, S3_ALL]


@pytest.mark.parametrize("mode, read_only", [("read", "true"), ("write", "false")])
def test_read_only_or_write_only_management_events_add_a_readonly_field(mode, read_only):
    (selector,) = ct.build_advanced_event_selectors(mode, None)
    assert selector["FieldSelectors"] == [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "Equals": [read_only]},
    ]


def test_no_management_events_and_chosen_buckets_select_object_arn_prefixes_in_the_partition():
    selectors = ct.build_advanced_event_selectors("none", ["logs", "arn:aws-cn:s3:::data/in/"], partition="aws-cn")
    assert len(selectors) == 1
    assert selectors[0]["FieldSelectors"][-1] == {
        "Field": "resources.ARN",
        "StartsWith": ["arn:aws-cn:s3:::data/in/", "arn:aws-cn:s3:::logs/"],
    }


def test_selectors_compare_as_sets_of_selectors_fields_and_values():
    shuffled = [
        {
            "Name": "whatever the console called it",
            "FieldSelectors": [
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "eventCategory", "Equals": ["Data"], "StartsWith": []},
            ],
        },
        MANAGEMENT_ALL,
    ]
    assert ct.selectors_equal(shuffled, [MANAGEMENT_ALL, S3_ALL])
    assert not ct.selectors_equal(shuffled, [MANAGEMENT_ALL, S3_ALL], compare_names=True)


def test_values_order_does_not_matter_but_values_do():
    a = [{"FieldSelectors": [{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::a/", "arn:aws:s3:::b/"]}]}]
    b = [{"FieldSelectors": [{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::b/", "arn:aws:s3:::a/"]}]}]
    c = [{"FieldSelectors": [{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::b/"]}]}]
    d = [{"FieldSelectors": [{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::b/", "arn:aws:s3:::a/"]}]}]
    assert ct.selectors_equal(a, b)
    assert not ct.selectors_equal(a, c)
    assert not ct.selectors_equal(a, d)


def test_a_trail_without_advanced_selectors_never_equals_a_wanted_selection():
    assert not ct.selectors_equal(None, [MANAGEMENT_ALL])
    assert not ct.selectors_equal([MANAGEMENT_ALL], [MANAGEMENT_ALL, S3_ALL])


def test_raw_option_converts_to_the_api_shape_and_back():
    raw = [
        {
            "name": "S3 writes",
            "field_selectors": [
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::S3::Object"]},
                {"field": "readOnly", "equals": ["false"], "not_starts_with": None},
                {"field": "resources.ARN", "not_starts_with": ["arn:aws:s3:::noisy/"]},
            ],
        }
    ]
    api = ct.advanced_selectors_from_options(raw)
    assert api[0]["FieldSelectors"][3] == {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::noisy/"]}
    assert "NotStartsWith" not in api[0]["FieldSelectors"][2]
    back = ct.snake_selectors(api)
    assert back[0]["field_selectors"][3] == {"field": "resources.ARN", "not_starts_with": ["arn:aws:s3:::noisy/"]}


TRAIL = {
    "Name": "management-events",
    "TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events",
    "HomeRegion": "us-east-1",
    "S3BucketName": "logs",
    "SnsTopicName": "ct-topic",
    "SnsTopicARN": "arn:aws:sns:us-east-1:123456789012:ct-topic",
    "IncludeGlobalServiceEvents": True,
    "IsMultiRegionTrail": True,
    "IsOrganizationTrail": False,
    "LogFileValidationEnabled": True,
    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234",
}


def test_only_settings_the_user_gave_are_managed():
    desired = ct.desired_trail_settings({"s3_bucket_name": "logs", "is_multi_region_trail": None, "kms_key_id": ""})
    assert desired == {"S3BucketName": "logs", "KmsKeyId": ""}


def test_updates_name_only_what_differs_with_api_parameter_names():
    desired = {
        "S3BucketName": "logs",
        "EnableLogFileValidation": True,
        "IsOrganizationTrail": True,
        "IsMultiRegionTrail": True,
    }
    assert ct.trail_updates(TRAIL, desired) == {"IsOrganizationTrail": True}


def test_sns_topic_by_arn_compares_with_the_returned_arn_and_by_name_with_the_name():
    assert ct.trail_updates(TRAIL, {"SnsTopicName": "arn:aws:sns:us-east-1:123456789012:ct-topic"}) == {}
    assert ct.trail_updates(TRAIL, {"SnsTopicName": "ct-topic"}) == {}
    assert ct.trail_updates(TRAIL, {"SnsTopicName": "arn:aws:sns:us-east-1:222222222222:ct-topic"})


def test_empty_string_clears_a_setting_and_is_a_change_only_when_set():
    assert ct.trail_updates(TRAIL, {"KmsKeyId": "", "S3KeyPrefix": ""}) == {"KmsKeyId": ""}


def test_kms_key_compares_by_the_resolved_arn():
    assert ct.trail_updates(TRAIL, {"KmsKeyId": "alias/ct"}, resolved_kms_key_arn=TRAIL["KmsKeyId"]) == {}
    assert ct.trail_updates(TRAIL, {"KmsKeyId": "alias/other"}, resolved_kms_key_arn="arn:aws:kms:::key/9") == {
        "KmsKeyId": "alias/other"
    }


def test_check_mode_after_view_applies_the_updates():
    before = ct.trail_view(TRAIL, is_logging=True)
    updates = {"IsOrganizationTrail": True, "KmsKeyId": "", "EnableLogFileValidation": False}
    after = ct.apply_updates_to_view(before, updates)
    assert after["is_organization_trail"] is True
    assert after["kms_key_id"] is None
    assert after["log_file_validation_enabled"] is False
    assert before["is_organization_trail"] is False


def test_org_trail_bucket_policy_error_names_the_bucket_and_the_org_id_path():
    message = ct.explain_trail_error(
        "InsufficientS3BucketPolicyException",
        {
            "bucket": "example-cloudtrail",
            "prefix": "org/",
            "account_id": "123456789012",
            "organization_id": "o-abc123",
            "is_organization_trail": True,
            "trail_arn": TRAIL["TrailARN"],
        },
    )
    assert "'example-cloudtrail'" in message
    assert "arn:aws:s3:::example-cloudtrail/org/AWSLogs/o-abc123/*" in message
    assert "arn:aws:s3:::example-cloudtrail/org/AWSLogs/123456789012/*" in message
    assert "AWSLogs/o-abc123/" in message
    assert TRAIL["TrailARN"] in message


def test_single_account_trail_bucket_error_does_not_mention_an_organization_path():
    message = ct.explain_trail_error(
        "InsufficientS3BucketPolicyException", {"bucket": "b", "account_id": "123456789012"}
    )
    assert "AWSLogs/123456789012/*" in message
    assert "o-" not in message


@pytest.mark.parametrize(
    "code, needle",
    [
        ("CloudTrailAccessNotEnabledException", "cloudtrail.amazonaws.com"),
        ("NotOrganizationMasterAccountException", "delegated administrator"),
        ("InsufficientSnsTopicPolicyException", "SNS:Publish"),
        ("InsufficientEncryptionPolicyException", "kms:GenerateDataKey*"),
    ],
)
def test_organization_and_policy_errors_say_what_to_do(code, needle):
    message = ct.explain_trail_error(code, {"account_id": "111122223333", "sns_topic": "t", "kms_key_id": "k"})
    assert needle in message


def test_unknown_errors_are_left_to_the_aws_message():
    assert ct.explain_trail_error("ThrottlingException", {}) is None


ORG_TRAIL = dict(TRAIL, IsOrganizationTrail=True)
MEMBER_TRAIL = dict(TRAIL, TrailARN="arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events")


def test_by_name_an_organization_trail_of_another_account_is_not_the_callers():
    trails = [ORG_TRAIL, MEMBER_TRAIL]
    assert ct.needs_owner_check(trails, "management-events")
    assert ct.pick_trail(trails, "management-events", "111122223333") is MEMBER_TRAIL
    assert ct.pick_trail([ORG_TRAIL], "management-events", "111122223333") is None
    assert ct.pick_trail([ORG_TRAIL], "management-events", "123456789012") is ORG_TRAIL


def test_by_arn_the_trail_is_whoever_owns_it():
    assert not ct.needs_owner_check([ORG_TRAIL], ORG_TRAIL["TrailARN"])
    assert ct.pick_trail([ORG_TRAIL], ORG_TRAIL["TrailARN"], "111122223333") is ORG_TRAIL


def test_a_single_account_trail_needs_no_owner_lookup():
    assert not ct.needs_owner_check([TRAIL], "management-events")
    assert ct.pick_trail([TRAIL], "management-events") is TRAIL
    assert ct.pick_trail([], "management-events") is None


def test_trail_already_exists_points_the_delegated_administrator_to_trail_arn():
    assert "trail_arn" in ct.explain_trail_error("TrailAlreadyExistsException", {"trail_name": "management-events"})


@pytest.mark.parametrize("prefix", ["arn:aws:s3", "arn:aws:s3:::"])
def test_the_arn_prefix_form_of_all_s3_objects_equals_the_console_form(prefix):
    prefix_form = {
        "Name": "S3",
        "FieldSelectors": S3_ALL["FieldSelectors"] + [{"Field": "resources.ARN", "StartsWith": [prefix]}],
    }
    assert ct.selectors_equal([MANAGEMENT_ALL, prefix_form], [MANAGEMENT_ALL, S3_ALL])


def test_a_bucket_prefix_or_a_negated_prefix_is_not_all_objects():
    on_objects = S3_ALL["FieldSelectors"]
    bucket = {"FieldSelectors": on_objects + [{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::b/"]}]}
    negated = {"FieldSelectors": on_objects + [{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3"]}]}
    assert not ct.selectors_equal([bucket], [S3_ALL])
    assert not ct.selectors_equal([negated], [S3_ALL])
