#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudtrail_trail
short_description: Manage a CloudTrail trail, including organization trails and advanced event selectors
version_added: 0.1.0
description:
  - Creates a CloudTrail trail or adopts an existing one, by name or by ARN, and keeps its settings, event
    selection, logging state and tags as asked.
  - Unlike M(amazon.aws.cloudtrail), it manages organization trails (O(is_organization_trail)) and
    advanced event selectors (management events and S3 data events).
  - Settings that are not given are left as they are. Every setting is changed with C(UpdateTrail); a trail
    is never deleted and recreated.
  - Advanced event selectors are compared as sets (selectors, field selectors and values in any order), so
    order never causes a change; selector names are compared only when O(advanced_event_selectors) gives them.
  - Calls for a trail go to its home region, whatever O(region) is.
  - O(state=absent) deletes the trail only; its bucket, topic and key are never touched.
  - With O(accounts), the same trail (by O(name)) in every listed account, in one task; results and diffs by account.
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  state:
    description:
      - V(present) makes the trail exist with the given settings; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name: {description: "The trail's name. Required unless O(trail_arn) is given (and with O(accounts)).", type: str}
  trail_arn:
    description:
      - The trail's ARN. Use it for a trail that another account owns, for example an organization trail
        that CloudTrail's delegated administrator created (AWS only accepts the ARN for those).
      - A trail that does not exist is created with the name the ARN ends with, in the caller's account.
      - Not with O(accounts).
    type: str
  s3_bucket_name:
    description:
      - The bucket CloudTrail delivers log files to. Required to create a trail.
      - Its policy must already allow CloudTrail (for an organization trail, on the
        C(AWSLogs/<organization id>/) path too).
    type: str
  s3_key_prefix: {description: "Key prefix of the log files in the bucket. V('') removes it.", type: str}
  sns_topic_name:
    description:
      - The SNS topic notified of each log file delivery, by name (in the trail's account and region) or by
        ARN. V('') removes it.
    type: str
  include_global_service_events: {description: Whether the trail logs events of global services like IAM., type: bool}
  is_multi_region_trail: {description: Whether the trail logs every region., type: bool}
  enable_log_file_validation:
    {description: Whether CloudTrail writes signed digest files to validate the log files., type: bool}
  is_organization_trail:
    description:
      - Whether the trail logs every account of the organization. Needs the management account (or
        CloudTrail's delegated administrator) and trusted access for C(cloudtrail.amazonaws.com).
    type: bool
  kms_key_id:
    description:
      - The KMS key that encrypts the log files (SSE-KMS), as a key id, key ARN, alias name or alias ARN.
      - V('') turns SSE-KMS off.
    type: str
  cloudwatch_logs_log_group_arn:
    {description: "The CloudWatch Logs log group that receives the events. V('') stops the delivery.", type: str}
  cloudwatch_logs_role_arn:
    {description: The role CloudTrail assumes to write to O(cloudwatch_logs_log_group_arn)., type: str}
  enable_logging: {description: V(true) keeps the trail logging; V(false) stops it., type: bool, default: true}
  management_events:
    description:
      - Management events to log, as an advanced event selector. V(all) logs read and write events.
      - With O(s3_data_events), this replaces the trail's whole event selection. Neither option (and no
        O(advanced_event_selectors)) leaves the event selection as it is.
    type: str
    choices: [all, read, write, none]
  s3_data_events:
    description:
      - S3 data events to log, as an advanced event selector on C(AWS::S3::Object).
      - V(all) logs every object of every bucket (written without a C(resources.ARN) condition, as the console
        does; an existing selector using the prefix form, C(resources.ARN) starting with C(arn:aws:s3), is the
        same and is left alone). Otherwise a list of bucket names (every object of the bucket) or S3 ARN
        prefixes such as C(arn:aws:s3:::bucket/path/). An empty list logs no data events.
    type: list
    elements: str
  advanced_event_selectors:
    description:
      - The trail's advanced event selectors, written exactly; for selections O(management_events) and
        O(s3_data_events) cannot express.
    type: list
    elements: dict
    suboptions:
      name:
        description: The selector's name (compared only when given).
        type: str
      field_selectors:
        description: The conditions an event must meet, all of them.
        type: list
        elements: dict
        required: true
        suboptions:
          field:
            description: The field, for example C(eventCategory), C(readOnly), C(resources.type), C(resources.ARN).
            type: str
            required: true
          equals: {description: Values the field equals., type: list, elements: str}
          starts_with: {description: Prefixes the field starts with., type: list, elements: str}
          ends_with: {description: Suffixes the field ends with., type: list, elements: str}
          not_equals: {description: Values the field does not equal., type: list, elements: str}
          not_starts_with: {description: Prefixes the field does not start with., type: list, elements: str}
          not_ends_with: {description: Suffixes the field does not end with., type: list, elements: str}
notes:
  - Check mode makes no write call; it reads the trail (and resolves a KMS alias) to report what would change.
  - Run with the management account (or CloudTrail's delegated administrator, with O(trail_arn)) for an
    organization trail.
extends_documentation_fragment:
  - radiant.aws_onboarding.accounts
  - radiant.aws_onboarding.accounts.max_workers
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Organization trail of docs/requirements.md#organization-trail (management read+write, S3 data events for every
        object)
  radiant.aws_onboarding.cloudtrail_trail:
    name: management-events
    s3_bucket_name: example-cloudtrail-logs
    kms_key_id: alias/cloudtrail-log-encryption
    sns_topic_name: arn:aws:sns:us-east-1:111122223333:cloudtrail-radiantsecurity
    is_organization_trail: true
    is_multi_region_trail: true
    include_global_service_events: true
    enable_log_file_validation: true
    management_events: all
    s3_data_events: all
    tags:
      managed-by: radiant-onboarding

- name: Same trail from CloudTrail's delegated administrator, which must use the ARN
  radiant.aws_onboarding.cloudtrail_trail:
    trail_arn: arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events
    management_events: all
    s3_data_events: [example-data-bucket, "arn:aws:s3:::other-bucket/uploads/"]

- name: Exact selectors (write-only management events without KMS events)
  radiant.aws_onboarding.cloudtrail_trail:
    name: audit
    s3_bucket_name: example-audit-logs
    advanced_event_selectors:
      - name: Management writes
        field_selectors:
          - field: eventCategory
            equals: [Management]
          - field: readOnly
            equals: ["false"]
          - field: eventSource
            not_equals: [kms.amazonaws.com]

- name: Stop logging (the trail stays)
  radiant.aws_onboarding.cloudtrail_trail:
    name: management-events
    enable_logging: false

- name: Delete the trail (never its bucket)
  radiant.aws_onboarding.cloudtrail_trail:
    name: management-events
    state: absent

- name: The same trail in two accounts outside the organization, each through its role, in one task
  radiant.aws_onboarding.cloudtrail_trail:
    name: management-events
    s3_bucket_name: example-cloudtrail-logs
    is_multi_region_trail: true
    accounts:
      - {account_id: "111122223333", role_arn: "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"}
      - {account_id: "444455556666", role_arn: "arn:aws:iam::444455556666:role/OrganizationAccountAccessRole"}
"""

RETURN = r"""
trail:
  description: The trail after the run (in check mode, as it would be). Empty when absent.
  returned: without O(accounts)
  type: dict
  contains:
    name: {description: The trail's name., type: str, sample: management-events}
    arn:
      description: The trail's ARN.
      type: str
      sample: arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events
    home_region: {description: The region the trail was created in and is changed in., type: str, sample: us-east-1}
    s3_bucket_name: {description: The bucket the log files go to., type: str}
    s3_key_prefix: {description: "Key prefix of the log files, if any.", type: str}
    sns_topic_name: {description: "Name of the notified SNS topic, if any.", type: str}
    sns_topic_arn: {description: "ARN of the notified SNS topic, if any.", type: str}
    include_global_service_events: {description: Whether events of global services are logged., type: bool}
    is_multi_region_trail: {description: Whether every region is logged., type: bool}
    is_organization_trail: {description: Whether every account of the organization is logged., type: bool}
    log_file_validation_enabled: {description: Whether digest files are written., type: bool}
    kms_key_id: {description: "ARN of the KMS key encrypting the log files, if any.", type: str}
    cloudwatch_logs_log_group_arn: {description: "The CloudWatch Logs log group, if any.", type: str}
    cloudwatch_logs_role_arn: {description: "The role writing to CloudWatch Logs, if any.", type: str}
    is_logging: {description: Whether the trail is logging., type: bool, sample: true}
    advanced_event_selectors:
      description: The advanced event selectors (empty when the trail uses basic event selectors).
      type: list
      elements: dict
      sample: [{name: Management events, field_selectors: [{field: eventCategory, equals: [Management]}]}]
    event_selectors:
      description: "The basic event selectors, as AWS returns them, when the trail uses those."
      type: list
      elements: dict
    tags: {description: The trail's tags., type: dict, sample: {managed-by: radiant-onboarding}}
trails:
  description: With O(accounts), one entry per account, in the order given.
  returned: with O(accounts)
  type: list
  elements: dict
  contains:
    account_id: {description: The account., type: str, sample: "111122223333"}
    region: {description: The trail's home Region., type: str, sample: us-east-1}
    changed: {description: Whether this account's trail changed (would change in check mode)., type: bool}
    trail: {description: "The account's trail, as RV(trail) (empty when absent or failed).", type: dict}
    error: {description: "Why this account failed (account, Region, what to fix); null when it did not.", type: str}
    diff: {description: "With --diff, the trail's before and after.", type: dict, returned: with --diff}
errors:
  description: With O(accounts), one line per failed account, naming the account and the Region.
  returned: with O(accounts)
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import cloudtrail as ct
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import AccountSessions


def main():
    module = AnsibleAWSModule(argument_spec=ct.trail_argument_spec(), supports_check_mode=True, **ct.TRAIL_OPTION_RULES)
    module.exit_json(**ct.run_trail_module(module, AccountSessions.for_module))


if __name__ == "__main__":
    main()
