# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Expose the collection's policy builders to roles, so no role carries policy JSON."""

DOCUMENTATION = r"""
name: radiant_policy
short_description: Build a policy document or statement list the onboarding writes
version_added: 0.1.0
description:
  - Returns the policy document or list of statements named by O(_input), built by the
    collection's single policy module (docs/requirements.md and AWS's documented service policies).
  - Statements carry fixed Sids so M(radiant.aws_onboarding.resource_policy) can merge them
    into an existing policy without touching other statements.
options:
  _input:
    description: Which policy to build.
    type: str
    required: true
    choices:
      - api_access_policy
      - main_access_policy
      - radiant_trust_policy
      - cloudtrail_bucket_statements
      - cloudtrail_key_statements
      - cloudtrail_topic_statements
      - guardduty_export_bucket_statements
      - guardduty_export_key_statements
      - guardduty_export_stale_statements
      - guardduty_export_policy_sizes
      - tls_only_bucket_statement
      - s3_publish_topic_statements
      - s3_publish_key_statements
      - sns_subscriber_queue_policy
      - cross_account_log_bucket_statements
      - cross_account_reader_policy
      - cross_account_reader_trust_policy
      - api_role_cloudformation_template
  kwargs:
    description: Keyword arguments of the named builder (bucket, trail_arn, detector_arns, ...).
    type: dict
author:
  - Radiant Security onboarding engineers
"""

EXAMPLES = r"""
- name: Build the organization trail's bucket statements
  ansible.builtin.set_fact:
    org_trail_bucket_statements: >-
      {{ 'cloudtrail_bucket_statements' | radiant.aws_onboarding.radiant_policy(
           bucket='acme-cloudtrail', trail_arn=trail_arn,
           management_account_id='123456789012', organization_id='o-abc123') }}
"""

RETURN = r"""
_value:
  description: The policy document (dict) or list of statements.
  type: raw
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import radiant_policies

BUILDERS = (
    "api_access_policy",
    "main_access_policy",
    "radiant_trust_policy",
    "cloudtrail_bucket_statements",
    "cloudtrail_key_statements",
    "cloudtrail_topic_statements",
    "guardduty_export_bucket_statements",
    "guardduty_export_key_statements",
    "guardduty_export_stale_statements",
    "guardduty_export_policy_sizes",
    "tls_only_bucket_statement",
    "s3_publish_topic_statements",
    "s3_publish_key_statements",
    "sns_subscriber_queue_policy",
    "cross_account_log_bucket_statements",
    "cross_account_reader_policy",
    "cross_account_reader_trust_policy",
    "api_role_cloudformation_template",
)


def radiant_policy(name, **kwargs):
    if name not in BUILDERS:
        raise AnsibleFilterError(
            "radiant_policy: unknown policy {0!r}; choose one of {1}".format(name, ", ".join(BUILDERS)))
    try:
        return getattr(radiant_policies, name)(**kwargs)
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError("radiant_policy({0}): {1}".format(name, error)) from error


class FilterModule(object):
    def filters(self):
        return {"radiant_policy": radiant_policy}
