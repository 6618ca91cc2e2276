"""drift_findings: one finding per differing field of a check-mode diff."""

from ansible_collections.radiant.aws_onboarding.plugins.filter.drift_findings import drift_findings

WHERE = {"account": "111122223333", "region": "us-east-1", "phase": "guardduty_org", "resource": "detector"}


def test_an_unchanged_result_has_no_finding():
    assert drift_findings({"changed": False, "diff": {"before": {"a": 1}, "after": {"a": 2}}}, **WHERE) == []
    assert drift_findings({"skipped": True}, **WHERE) == []


def test_features_are_compared_by_name_and_field():
    before = {"finding_publishing_frequency": "SIX_HOURS", "updated_at": "t1",
              "features": [{"name": "S3_DATA_EVENTS", "status": "DISABLED"},
                           {"name": "EKS_AUDIT_LOGS", "status": "ENABLED"}]}
    after = {"finding_publishing_frequency": "FIFTEEN_MINUTES", "updated_at": "t2",
             "features": [{"name": "EKS_AUDIT_LOGS", "status": "ENABLED"},
                          {"name": "S3_DATA_EVENTS", "status": "ENABLED"}]}
    found = drift_findings({"changed": True, "diff": {"before": before, "after": after}}, **WHERE)
    assert found == [
        dict(WHERE, field="features.S3_DATA_EVENTS.status", expected="ENABLED", actual="DISABLED"),
        dict(WHERE, field="finding_publishing_frequency", expected="FIFTEEN_MINUTES", actual="SIX_HOURS"),
    ]


def test_nested_maps_name_the_account():
    diff = {"before": {"relationship_status": {"1": "Enabled", "2": "Removed"}},
            "after": {"relationship_status": {"1": "Enabled", "2": "Enabled"}}}
    found = drift_findings({"changed": True, "diff": diff}, **WHERE)
    assert found == [dict(WHERE, field="relationship_status.2", expected="Enabled", actual="Removed")]


def test_a_missing_resource_is_one_finding():
    found = drift_findings({"changed": True, "diff": {"before": None, "after": {"destination_arn": "x"}}}, **WHERE)
    assert found == [dict(WHERE, field="(resource)", expected="present", actual="missing")]


def test_a_change_without_diff_still_counts():
    found = drift_findings({"changed": True}, **WHERE)
    assert len(found) == 1 and found[0]["field"] == "(resource)" and found[0]["actual"] == "differs"
    ignored = {"changed": True, "diff": {"before": {"template_body": "a"}, "after": {"template_body": "b"}}}
    assert drift_findings(ignored, ignore=["template_body"], **WHERE)[0]["field"] == "(resource)"
