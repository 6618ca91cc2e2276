import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.radiant.aws_onboarding.plugins.filter.radiant_policy import BUILDERS, FilterModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import radiant_policies


def test_every_builder_named_by_the_filter_exists_in_the_policy_module():
    for name in BUILDERS:
        assert callable(getattr(radiant_policies, name)), name


def test_filter_builds_the_named_policy_with_keyword_arguments():
    build = FilterModule().filters()["radiant_policy"]
    statements = build("cloudtrail_topic_statements", topic_arn="arn:aws:sns:us-east-1:1:t",
                       trail_arn="arn:aws:cloudtrail:us-east-1:1:trail/management-events")
    assert statements == radiant_policies.cloudtrail_topic_statements(
        "arn:aws:sns:us-east-1:1:t", "arn:aws:cloudtrail:us-east-1:1:trail/management-events")


def test_filter_names_the_policy_when_arguments_are_wrong():
    build = FilterModule().filters()["radiant_policy"]
    with pytest.raises(AnsibleFilterError, match=r"radiant_policy\(radiant_trust_policy\): .*external ID"):
        build("radiant_trust_policy", external_id="")
    with pytest.raises(AnsibleFilterError, match="unknown policy 'nope'"):
        build("nope")
