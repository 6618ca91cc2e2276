import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import (
    FeatureError,
    check_exclusive,
    copy_features,
    features_for_diff,
    features_from_api,
    features_from_params,
    features_on_create,
    features_to_api,
    features_to_result,
    plan_features,
    split_exclusive,
)

API_FEATURES = [
    {"Name": "CLOUD_TRAIL", "Status": "ENABLED"},
    {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
    {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"},
    {
        "Name": "RUNTIME_MONITORING",
        "Status": "ENABLED",
        "AdditionalConfiguration": [
            {"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"},
            {"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "DISABLED"},
            {"Name": "EC2_AGENT_MANAGEMENT", "Status": "DISABLED"},
        ],
    },
]


def param(name, status="ENABLED", **additional):
    return {
        "name": name,
        "status": status,
        "additional_configuration": [{"name": k, "status": v} for k, v in additional.items()],
    }


def test_same_features_in_another_order_plan_nothing():
    current = features_from_api(API_FEATURES)
    desired = features_from_params(
        [
            param("RUNTIME_MONITORING", EC2_AGENT_MANAGEMENT="DISABLED", EKS_ADDON_MANAGEMENT="ENABLED"),
            param("EKS_AUDIT_LOGS", "DISABLED"),
            param("S3_DATA_EVENTS"),
        ]
    )
    changes, after = plan_features(current, desired)
    assert changes == {}
    assert after == current


def test_api_order_of_additional_configuration_does_not_matter():
    shuffled = [dict(f) for f in API_FEATURES]
    shuffled[3] = dict(shuffled[3], AdditionalConfiguration=list(reversed(shuffled[3]["AdditionalConfiguration"])))
    assert features_from_api(list(reversed(shuffled))) == features_from_api(API_FEATURES)


def test_unlisted_features_are_left_alone_without_purge():
    current = features_from_api(API_FEATURES)
    changes, after = plan_features(current, features_from_params([param("EKS_AUDIT_LOGS")]))
    assert changes == {"EKS_AUDIT_LOGS": {"value": "ENABLED", "additional": {}}}
    assert after["S3_DATA_EVENTS"]["value"] == "ENABLED"
    assert after["RUNTIME_MONITORING"] == current["RUNTIME_MONITORING"]


def test_changed_additional_configuration_is_sent_with_every_current_one():
    current = features_from_api(API_FEATURES)
    changes, _after = plan_features(
        current, features_from_params([param("RUNTIME_MONITORING", ECS_FARGATE_AGENT_MANAGEMENT="ENABLED")])
    )
    assert changes == {
        "RUNTIME_MONITORING": {
            "value": "ENABLED",
            "additional": {
                "EKS_ADDON_MANAGEMENT": "ENABLED",
                "ECS_FARGATE_AGENT_MANAGEMENT": "ENABLED",
                "EC2_AGENT_MANAGEMENT": "DISABLED",
            },
        }
    }


def test_purge_disables_unlisted_features_and_additional_configuration_but_not_foundational_sources():
    current = features_from_api(API_FEATURES)
    changes, after = plan_features(current, features_from_params([param("RUNTIME_MONITORING")]), purge=True)
    assert set(changes) == {"S3_DATA_EVENTS", "RUNTIME_MONITORING"}
    assert changes["S3_DATA_EVENTS"]["value"] == "DISABLED"
    assert changes["RUNTIME_MONITORING"]["additional"]["EKS_ADDON_MANAGEMENT"] == "DISABLED"
    assert after["CLOUD_TRAIL"]["value"] == "ENABLED"
    assert "EKS_AUDIT_LOGS" not in changes  # already disabled: nothing to send


def test_purge_with_organization_values_uses_none():
    current = features_from_api(
        [{"Name": "S3_DATA_EVENTS", "AutoEnable": "ALL"}, {"Name": "EKS_AUDIT_LOGS", "AutoEnable": "NEW"}],
        value_key="AutoEnable",
    )
    desired = features_from_params([{"name": "S3_DATA_EVENTS", "auto_enable": "ALL"}], value_option="auto_enable")
    changes, _after = plan_features(current, desired, purge=True, off_value="NONE")
    assert changes == {"EKS_AUDIT_LOGS": {"value": "NONE", "additional": {}}}


def test_features_listed_twice_are_refused():
    with pytest.raises(FeatureError, match="S3_DATA_EVENTS is listed twice"):
        features_from_params([param("S3_DATA_EVENTS"), param("S3_DATA_EVENTS", "DISABLED")])


def test_both_runtime_monitoring_plans_enabled_are_refused():
    with pytest.raises(FeatureError, match="cannot both be enabled"):
        check_exclusive(features_from_params([param("EKS_RUNTIME_MONITORING"), param("RUNTIME_MONITORING")]))
    check_exclusive(features_from_params([param("EKS_RUNTIME_MONITORING", "DISABLED"), param("RUNTIME_MONITORING")]))


def test_create_predicts_aws_defaults_and_purge_sends_every_unlisted_plan_disabled():
    desired = features_from_params([param("S3_DATA_EVENTS", "DISABLED")])
    to_send, predicted = features_on_create(desired)
    assert to_send == desired
    assert predicted["S3_DATA_EVENTS"]["value"] == "DISABLED"
    assert predicted["EKS_AUDIT_LOGS"]["value"] == "ENABLED"
    assert predicted["RUNTIME_MONITORING"]["value"] == "DISABLED"

    to_send, predicted = features_on_create(desired, purge=True)
    assert to_send["EKS_AUDIT_LOGS"]["value"] == "DISABLED"
    assert all(f["value"] == "DISABLED" for f in predicted.values())


def test_api_payload_and_result_are_sorted_and_round_trip():
    current = features_from_api(API_FEATURES)
    payload = features_to_api(current)
    assert [f["Name"] for f in payload] == sorted(f["Name"] for f in API_FEATURES)
    assert features_from_api(payload) == current
    result = features_to_result(current)
    assert result[-1]["name"] == "S3_DATA_EVENTS"
    runtime = next(f for f in result if f["name"] == "RUNTIME_MONITORING")
    assert [a["name"] for a in runtime["additional_configuration"]] == sorted(
        ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"]
    )


def test_diff_view_is_keyed_by_name():
    view = features_for_diff(features_from_api(API_FEATURES))
    assert view["RUNTIME_MONITORING"] == {
        "status": "ENABLED",
        "additional_configuration": {
            "EC2_AGENT_MANAGEMENT": "DISABLED",
            "ECS_FARGATE_AGENT_MANAGEMENT": "DISABLED",
            "EKS_ADDON_MANAGEMENT": "ENABLED",
        },
    }


def test_both_runtime_plans_are_split_into_two_requests_the_one_switched_off_first():
    both = features_from_params([param("S3_DATA_EVENTS"), param("EKS_RUNTIME_MONITORING", "DISABLED"),
                                 param("RUNTIME_MONITORING")])
    first, second = split_exclusive(both)
    assert set(first) == {"EKS_RUNTIME_MONITORING"}
    assert set(second) == {"S3_DATA_EVENTS", "RUNTIME_MONITORING"}
    organization = features_from_params([
        {"name": "RUNTIME_MONITORING", "auto_enable": "NONE", "additional_configuration": []},
        {"name": "EKS_RUNTIME_MONITORING", "auto_enable": "NEW", "additional_configuration": []},
    ], "auto_enable")
    assert [set(request) for request in split_exclusive(organization)] == [
        {"RUNTIME_MONITORING"}, {"EKS_RUNTIME_MONITORING"}]
    single = features_from_params([param("RUNTIME_MONITORING")])
    assert split_exclusive(single) == [single]
    assert split_exclusive({}) == []


def test_copy_features_equals_a_deep_copy_and_shares_nothing():
    current = {"RUNTIME_MONITORING": {"value": "ENABLED", "additional": {"EKS_ADDON_MANAGEMENT": "ENABLED"}},
               "S3_DATA_EVENTS": {"value": "DISABLED", "additional": {}}}
    copied = copy_features(current)
    assert copied == current
    copied["RUNTIME_MONITORING"]["additional"]["EKS_ADDON_MANAGEMENT"] = "DISABLED"
    copied["S3_DATA_EVENTS"]["value"] = "ENABLED"
    assert current["RUNTIME_MONITORING"]["additional"]["EKS_ADDON_MANAGEMENT"] == "ENABLED"
    assert current["S3_DATA_EVENTS"]["value"] == "DISABLED"


def test_plan_features_leaves_current_untouched():
    current = {"S3_DATA_EVENTS": {"value": "DISABLED", "additional": {}}}
    changes, after = plan_features(current, {"S3_DATA_EVENTS": {"value": "ENABLED", "additional": {}}})
    assert changes == after == {"S3_DATA_EVENTS": {"value": "ENABLED", "additional": {}}}
    assert current == {"S3_DATA_EVENTS": {"value": "DISABLED", "additional": {}}}
