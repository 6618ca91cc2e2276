"""KMS key policies whose Statement is a single object, as the IAM policy grammar allows.

"The Statement element can contain a single statement or an array of individual statements"
(IAM user guide, "IAM JSON policy elements: Statement",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html),
and AWS KMS key policies use that grammar. moto 5.2.5 checks a key's policy on DescribeKey
(moto.kms.policy_validator.validate_policy) by iterating Statement as a list, so a single
object made every request on the key fail with HTTP 500. The policy is evaluated as the
one-statement list it means; the text stored and returned by GetKeyPolicy is unchanged.
"""

from __future__ import annotations

import json


class _KeyWithPolicy:
    """What moto's validator reads of a key: its ARN and its policy text."""

    def __init__(self, arn: str, policy: str):
        self.arn = arn
        self.policy = policy


def _as_statement_list(original):
    def validate_policy(key, action):
        try:
            document = json.loads(key.policy)
        except (TypeError, ValueError):
            return original(key, action)
        if isinstance(document, dict) and isinstance(document.get("Statement"), dict):
            document = dict(document, Statement=[document["Statement"]])
            return original(_KeyWithPolicy(key.arn, json.dumps(document)), action)
        return original(key, action)

    validate_policy.__wrapped__ = original
    return validate_policy


def install() -> None:
    from moto.kms import responses

    if not hasattr(responses.validate_policy, "__wrapped__"):
        responses.validate_policy = _as_statement_list(responses.validate_policy)
