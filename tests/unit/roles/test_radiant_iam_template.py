"""The StackSet template shipped with the radiant_iam role is the policy module's output, and lints clean."""

import json
import os
import subprocess
import sys

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
    assert role["Policies"][0]["PolicyDocument"] == radiant_policies.api_access_policy()
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"AWS": radiant_policies.RADIANT_PRINCIPAL}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "RadiantExternalId"}}}


def test_shipped_template_passes_cfn_lint():
    cfn_lint = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    result = subprocess.run([cfn_lint, TEMPLATE], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
