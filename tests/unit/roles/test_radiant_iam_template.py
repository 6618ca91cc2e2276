"""The StackSet template shipped with the radiant_iam role is the policy module's output (cfn-lint runs on it in
tests/unit/test_policy_lint.py)."""

import json
import os

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import radiant_policies

TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles", "radiant_iam", "files",
                        "radiant-api-access-role.cfn.json")
# Regenerate after changing the builder:
#   python -c 'import json; from ...radiant_policies import api_role_cloudformation_template as t;
#              print(json.dumps(t(), indent=2))' > roles/radiant_iam/files/radiant-api-access-role.cfn.json


def test_shipped_template_is_the_builders_output():
    with open(TEMPLATE, encoding="utf-8") as handle:
        shipped = json.load(handle)
    assert shipped == radiant_policies.api_role_cloudformation_template()


def test_shipped_template_has_the_seeds_role_policy_and_trust():
    with open(TEMPLATE, encoding="utf-8") as handle:
        role = json.load(handle)["Resources"]["RadiantApiAccessRole"]["Properties"]
    assert role["RoleName"] == "radiant-aws-api-access-role"
    assert resolved(role["Policies"][0]["PolicyDocument"], "aws") == radiant_policies.api_access_policy()
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"AWS": radiant_policies.RADIANT_PRINCIPAL}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "RadiantExternalId"}}}


def resolved(document, partition):
    """What CloudFormation deploys in an account of ``partition``: each Fn::Sub of AWS::Partition substituted."""
    if isinstance(document, dict):
        if set(document) == {"Fn::Sub"}:
            return document["Fn::Sub"].replace("${AWS::Partition}", partition)
        return dict((key, resolved(value, partition)) for key, value in document.items())
    if isinstance(document, list):
        return [resolved(value, partition) for value in document]
    return document


def test_the_template_names_no_partition_but_radiants_own_principal():
    with open(TEMPLATE, encoding="utf-8") as handle:
        text = handle.read()
    role = json.loads(text)["Resources"]["RadiantApiAccessRole"]["Properties"]
    assert "arn:aws:" not in json.dumps(role["Policies"])
    for partition in ("aws", "aws-us-gov", "aws-cn"):
        assert resolved(role["Policies"][0]["PolicyDocument"], partition) == \
            radiant_policies.api_access_policy(partition=partition)
