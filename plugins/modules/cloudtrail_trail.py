#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
author:
  - Radiant Security onboarding contributors (@radiant-security)
options:
  state:
    description:
      - V(present) makes the trail exist with the given settings; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The trail's name. Required unless O(trail_arn) is given.
    type: str
  trail_arn:
    description:
      - The trail's ARN. Use it for a trail that another account owns, for example an organization trail
        that CloudTrail's delegated administrator created (AWS only accepts the ARN for those).
      - A trail that does not exist is created with the name the ARN ends with, in the caller's account.
    type: str
  s3_bucket_name:
    description:
      - The bucket CloudTrail delivers log files to. Required to create a trail.
      - Its policy must already allow CloudTrail (for an organization trail, on the
        C(AWSLogs/<organization id>/) path too).
    type: str
  s3_key_prefix:
    description:
      - Key prefix of the log files in the bucket. V('') removes it.
    type: str
  sns_topic_name:
    description:
      - The SNS topic notified of each log file delivery, by name (in the trail's account and region) or by
        ARN. V('') removes it.
    type: str
  include_global_service_events:
    description:
      - Whether the trail logs events of global services such as IAM.
    type: bool
  is_multi_region_trail:
    description:
      - Whether the trail logs every region.
    type: bool
  enable_log_file_validation:
    description:
      - Whether CloudTrail writes signed digest files to validate the log files.
    type: bool
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
    description:
      - The CloudWatch Logs log group that receives the events. V('') stops the delivery.
    type: str
  cloudwatch_logs_role_arn:
    description:
      - The role CloudTrail assumes to write to O(cloudwatch_logs_log_group_arn).
    type: str
  enable_logging:
    description:
      - V(true) keeps the trail logging; V(false) stops it.
    type: bool
    default: true
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
          equals:
            description: Values the field equals.
            type: list
            elements: str
          starts_with:
            description: Prefixes the field starts with.
            type: list
            elements: str
          ends_with:
            description: Suffixes the field ends with.
            type: list
            elements: str
          not_equals:
            description: Values the field does not equal.
            type: list
            elements: str
          not_starts_with:
            description: Prefixes the field does not start with.
            type: list
            elements: str
          not_ends_with:
            description: Suffixes the field does not end with.
            type: list
            elements: str
notes:
  - Check mode makes no write call; it reads the trail (and resolves a KMS alias) to report what would change.
  - Run with the management account (or CloudTrail's delegated administrator, with O(trail_arn)) for an
    organization trail.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Organization trail of seed 000 (management read+write, S3 data events for every object)
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
"""

RETURN = r"""
trail:
  description: The trail after the run (in check mode, as it would be). Empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: The trail's name.
      type: str
      sample: management-events
    arn:
      description: The trail's ARN.
      type: str
      sample: arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events
    home_region:
      description: The region the trail was created in, where it is changed.
      type: str
      sample: us-east-1
    s3_bucket_name:
      description: The bucket the log files go to.
      type: str
    s3_key_prefix:
      description: Key prefix of the log files, if any.
      type: str
    sns_topic_name:
      description: Name of the notified SNS topic, if any.
      type: str
    sns_topic_arn:
      description: ARN of the notified SNS topic, if any.
      type: str
    include_global_service_events:
      description: Whether events of global services are logged.
      type: bool
    is_multi_region_trail:
      description: Whether every region is logged.
      type: bool
    is_organization_trail:
      description: Whether every account of the organization is logged.
      type: bool
    log_file_validation_enabled:
      description: Whether digest files are written.
      type: bool
    kms_key_id:
      description: ARN of the KMS key encrypting the log files, if any.
      type: str
    cloudwatch_logs_log_group_arn:
      description: The CloudWatch Logs log group, if any.
      type: str
    cloudwatch_logs_role_arn:
      description: The role writing to CloudWatch Logs, if any.
      type: str
    is_logging:
      description: Whether the trail is logging.
      type: bool
      sample: true
    advanced_event_selectors:
      description: The advanced event selectors (empty when the trail uses basic event selectors).
      type: list
      elements: dict
      sample:
        - name: Management events
          field_selectors:
            - field: eventCategory
              equals: [Management]
    event_selectors:
      description: The basic event selectors, as AWS returns them, when the trail uses those.
      type: list
      elements: dict
    tags:
      description: The trail's tags.
      type: dict
      sample: {managed-by: radiant-onboarding}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError

    AWS_ERRORS = (ClientError, BotoCoreError)
except ImportError:
    AWS_ERRORS = ()  # AnsibleAWSModule reports the missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    compare_aws_tags,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils import cloudtrail as ct
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client, error_code
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of


class TrailManager:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = aws_client(module, "cloudtrail")
        self.partition = ct.partition_for_region(module.region)
        self.ref = self.params["trail_arn"] or self.params["name"]
        self.changed = False
        self.current_advanced = None
        self._caller_account = None

    # -- reads -------------------------------------------------------------------------
    def read(self):
        """(trail, view) of the trail as it is, or (None, {})."""
        try:
            trails = ct.find_trails(self.client, self.ref)
            owner = self.caller_account() if ct.needs_owner_check(trails, self.ref) else None
            trail = ct.pick_trail(trails, self.ref, owner)
            if trail is None:
                return None, {}
            home = trail.get("HomeRegion")
            if home and home != self.module.region:
                self.client = aws_client(self.module, "cloudtrail", region=home)
            is_logging = ct.read_is_logging(self.client, self.ref)
            advanced, basic = ct.read_event_selectors(self.client, self.ref)
            self.current_advanced = advanced
            tags = ct.read_tags(self.client, trail["TrailARN"])
        except AWS_ERRORS as e:
            self.module.fail_json_aws(e, msg="Failed to read trail {0}".format(self.ref))
        return trail, ct.trail_view(trail, is_logging, advanced, basic, tags)

    def caller_account(self):
        if self._caller_account is None:
            try:
                sts = aws_client(self.module, "sts")
                self._caller_account = sts.get_caller_identity(aws_retry=True)["Account"]
            except AWS_ERRORS:
                self._caller_account = ""
        return self._caller_account

    def organization_id(self):
        try:
            organizations = aws_client(self.module, "organizations")
            return organizations.describe_organization(aws_retry=True)["Organization"]["Id"]
        except AWS_ERRORS:
            return None

    def resolved_kms_key_arn(self, current_key):
        """The ARN the user's kms_key_id names (a read; check mode may call it)."""
        wanted = self.params["kms_key_id"]
        if not wanted or wanted == current_key:
            return None
        try:
            kms = aws_client(self.module, "kms", region=self.client.meta.region_name)
            return kms.describe_key(KeyId=wanted, aws_retry=True)["KeyMetadata"]["Arn"]
        except AWS_ERRORS:
            return None  # CloudTrail will say what is wrong with the key

    # -- desired ----------------------------------------------------------------------
    def desired_selectors(self):
        """(advanced selectors or None when unmanaged, whether names are compared)."""
        if self.params["advanced_event_selectors"] is not None:
            selectors = ct.advanced_selectors_from_options(self.params["advanced_event_selectors"])
            return selectors, any(s.get("Name") for s in selectors)
        management = self.params["management_events"]
        s3_events = self.params["s3_data_events"]
        if management is None and s3_events is None:
            return None, False
        if s3_events is not None and [item.lower() for item in s3_events] == ["all"]:
            s3_events = "all"
        selectors = ct.build_advanced_event_selectors(management, s3_events, self.partition)
        if not selectors:
            self.module.fail_json(
                msg="management_events=none and no s3_data_events would log nothing: give at least one of them."
            )
        return selectors, False

    # -- errors -----------------------------------------------------------------------
    def fail(self, error, action, trail_arn=None):
        code = error_code(error)
        is_org = self.params["is_organization_trail"]
        context = {
            "trail_name": self.params["name"] or (self.ref.rsplit("/", 1)[-1] if self.ref else None),
            "trail_arn": trail_arn,
            "bucket": self.params["s3_bucket_name"],
            "prefix": self.params["s3_key_prefix"],
            "account_id": self.caller_account(),
            "is_organization_trail": is_org,
            "organization_id": self.organization_id() if is_org and code == "InsufficientS3BucketPolicyException"
            else None,
            "kms_key_id": self.params["kms_key_id"],
            "sns_topic": self.params["sns_topic_name"],
            "partition": self.partition,
        }
        advice = ct.explain_trail_error(code, context)
        message = "Failed to {0} trail {1}".format(action, self.ref)
        if advice:
            message = "{0}: {1}".format(message, advice.rstrip("."))
        self.module.fail_json_aws(error, msg=message)

    # -- present ----------------------------------------------------------------------
    def create(self):
        name = self.params["name"] or self.ref.rsplit("/", 1)[-1]
        if not self.params["s3_bucket_name"]:
            self.module.fail_json(msg="s3_bucket_name is required to create trail {0}".format(name))
        request = dict((k, v) for k, v in ct.desired_trail_settings(self.params).items() if v != "")
        request["Name"] = name
        if self.params["tags"]:
            request["TagsList"] = ansible_dict_to_boto3_tag_list(self.params["tags"])
        selectors, _names = self.desired_selectors()
        self.changed = True
        if self.module.check_mode:
            return self.predicted_new_view(name, selectors)
        account = self.caller_account()
        predicted_arn = "arn:{0}:cloudtrail:{1}:{2}:trail/{3}".format(self.partition, self.module.region, account, name)
        try:
            created = self.client.create_trail(aws_retry=True, **request)
        except AWS_ERRORS as e:
            self.fail(e, "create", predicted_arn)
        self.ref = self.params["trail_arn"] or name
        if self.params["trail_arn"] and created.get("TrailARN") != self.params["trail_arn"]:
            self.ref = created.get("TrailARN") or name
        try:
            if selectors is not None:
                self.client.put_event_selectors(TrailName=self.ref, AdvancedEventSelectors=selectors, aws_retry=True)
            if self.params["enable_logging"]:
                self.client.start_logging(Name=self.ref, aws_retry=True)
        except AWS_ERRORS as e:
            self.fail(e, "configure", created.get("TrailARN"))
        return self.read()[1]

    def predicted_new_view(self, name, selectors):
        trail = {"Name": name, "HomeRegion": self.module.region}
        trail["TrailARN"] = "arn:{0}:cloudtrail:{1}:{2}:trail/{3}".format(
            self.partition, self.module.region, self.caller_account(), name
        )
        defaults = {"IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": False, "LogFileValidationEnabled": False,
                    "IsOrganizationTrail": False}
        trail.update(defaults)
        view = ct.apply_updates_to_view(ct.trail_view(trail), ct.desired_trail_settings(self.params))
        view["is_logging"] = self.params["enable_logging"]
        view["tags"] = self.params["tags"] or {}
        if selectors is not None:
            view["advanced_event_selectors"] = ct.snake_selectors(selectors)
        return view

    def update(self, trail, before):
        after = dict(before)
        desired = ct.desired_trail_settings(self.params)
        updates = ct.trail_updates(trail, desired, self.resolved_kms_key_arn(trail.get("KmsKeyId")))
        selectors, compare_names = self.desired_selectors()
        put_selectors = selectors is not None and not ct.selectors_equal(
            self.current_advanced, selectors, compare_names
        )
        logging_change = self.params["enable_logging"] != before["is_logging"]
        tags_to_set, tags_to_unset = {}, []
        if self.params["tags"] is not None:
            tags_to_set, tags_to_unset = compare_aws_tags(
                before["tags"], self.params["tags"], self.params["purge_tags"]
            )

        if updates:
            after = ct.apply_updates_to_view(after, updates)
        if put_selectors:
            after["advanced_event_selectors"] = ct.snake_selectors(selectors)
            after["event_selectors"] = []
        if logging_change:
            after["is_logging"] = self.params["enable_logging"]
        if tags_to_set or tags_to_unset:
            tags = dict((k, v) for k, v in before["tags"].items() if k not in tags_to_unset)
            tags.update(tags_to_set)
            after["tags"] = tags
        self.changed = bool(updates or put_selectors or logging_change or tags_to_set or tags_to_unset)
        if not self.changed or self.module.check_mode:
            return after

        arn = trail["TrailARN"]
        try:
            if updates:
                self.client.update_trail(Name=self.ref, aws_retry=True, **updates)
            if put_selectors:
                self.client.put_event_selectors(TrailName=self.ref, AdvancedEventSelectors=selectors, aws_retry=True)
            if logging_change and self.params["enable_logging"]:
                self.client.start_logging(Name=self.ref, aws_retry=True)
            elif logging_change:
                self.client.stop_logging(Name=self.ref, aws_retry=True)
            if tags_to_unset:
                self.client.remove_tags(
                    ResourceId=arn,
                    TagsList=[{"Key": key, "Value": before["tags"][key]} for key in tags_to_unset],
                    aws_retry=True,
                )
            if tags_to_set:
                self.client.add_tags(ResourceId=arn, TagsList=ansible_dict_to_boto3_tag_list(tags_to_set),
                                     aws_retry=True)
        except AWS_ERRORS as e:
            self.fail(e, "update", arn)
        return self.read()[1]

    # -- absent -----------------------------------------------------------------------
    def delete(self, trail):
        self.changed = True
        if self.module.check_mode:
            return
        try:
            self.client.delete_trail(Name=self.ref, aws_retry=True)
        except is_boto3_error_code("TrailNotFoundException"):
            self.changed = False
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            self.fail(e, "delete", trail["TrailARN"])


def main():
    field_selector_spec = dict(
        field=dict(type="str", required=True),
        equals=dict(type="list", elements="str"),
        starts_with=dict(type="list", elements="str"),
        ends_with=dict(type="list", elements="str"),
        not_equals=dict(type="list", elements="str"),
        not_starts_with=dict(type="list", elements="str"),
        not_ends_with=dict(type="list", elements="str"),
    )
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str"),
        trail_arn=dict(type="str"),
        s3_bucket_name=dict(type="str"),
        s3_key_prefix=dict(type="str", no_log=False),
        sns_topic_name=dict(type="str"),
        include_global_service_events=dict(type="bool"),
        is_multi_region_trail=dict(type="bool"),
        enable_log_file_validation=dict(type="bool"),
        is_organization_trail=dict(type="bool"),
        kms_key_id=dict(type="str", no_log=False),
        cloudwatch_logs_log_group_arn=dict(type="str"),
        cloudwatch_logs_role_arn=dict(type="str"),
        enable_logging=dict(type="bool", default=True),
        management_events=dict(type="str", choices=list(ct.MANAGEMENT_EVENT_MODES)),
        s3_data_events=dict(type="list", elements="str"),
        advanced_event_selectors=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str"),
                field_selectors=dict(type="list", elements="dict", required=True, options=field_selector_spec),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[("name", "trail_arn")],
        required_together=[("cloudwatch_logs_log_group_arn", "cloudwatch_logs_role_arn")],
        mutually_exclusive=[
            ("advanced_event_selectors", "management_events"),
            ("advanced_event_selectors", "s3_data_events"),
        ],
    )
    name, arn = module.params["name"], module.params["trail_arn"]
    if name and arn and arn.rsplit("/", 1)[-1] != name:
        module.fail_json(msg="name {0} and trail_arn {1} name different trails".format(name, arn))

    manager = TrailManager(module)
    trail, before = manager.read()
    if module.params["state"] == "absent":
        if trail is not None:
            manager.delete(trail)
        after = {}
    elif trail is None:
        after = manager.create()
    else:
        after = manager.update(trail, before)

    result = dict(changed=manager.changed, trail=after)
    if module._diff:
        result["diff"] = diff_of(before, after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
