# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudTrail trail logic: desired settings, advanced event selectors, comparison, errors.

Everything here is pure (no AWS call) except the small ``read_*`` helpers, which take a
boto3 client wrapped by AnsibleAWSModule (``aws_retry=True``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

MANAGEMENT_EVENT_MODES = ("all", "read", "write", "none")
# AdvancedFieldSelector operators (CloudTrail API reference, AdvancedFieldSelector).
FIELD_OPERATORS = ("Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith")
MANAGEMENT_SELECTOR_NAME = "Management events"
S3_DATA_SELECTOR_NAME = "S3 data events"

# Module option -> (CreateTrail/UpdateTrail parameter, key GetTrail/DescribeTrails returns).
TRAIL_SETTINGS = (
    ("s3_bucket_name", "S3BucketName", "S3BucketName"),
    ("s3_key_prefix", "S3KeyPrefix", "S3KeyPrefix"),
    ("sns_topic_name", "SnsTopicName", "SnsTopicName"),
    ("include_global_service_events", "IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents"),
    ("is_multi_region_trail", "IsMultiRegionTrail", "IsMultiRegionTrail"),
    ("enable_log_file_validation", "EnableLogFileValidation", "LogFileValidationEnabled"),
    ("is_organization_trail", "IsOrganizationTrail", "IsOrganizationTrail"),
    ("cloudwatch_logs_log_group_arn", "CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn"),
    ("cloudwatch_logs_role_arn", "CloudWatchLogsRoleArn", "CloudWatchLogsRoleArn"),
    ("kms_key_id", "KmsKeyId", "KmsKeyId"),
)
# Settings that UpdateTrail clears when given an empty string (UpdateTrail API reference).
CLEARABLE_SETTINGS = ("S3KeyPrefix", "SnsTopicName", "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn", "KmsKeyId")


def partition_for_region(region):
    """The ARN partition of a region name."""
    region = region or ""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def s3_object_arn_prefix(bucket_or_arn, partition="aws"):
    """An S3 object ARN prefix for a bucket name (every object in it) or an ARN prefix as given."""
    if bucket_or_arn.startswith("arn:"):
        return bucket_or_arn
    return "arn:{0}:s3:::{1}/".format(partition, bucket_or_arn.strip("/"))


def build_advanced_event_selectors(management_events, s3_data_events, partition="aws"):
    """Advanced event selectors for the friendly options.

    ``management_events``: all | read | write | none. ``s3_data_events``: ``None``/empty (no
    data events), the string ``all`` (every object of every bucket, the form the console's
    "Log all events" template writes: no ``resources.ARN`` field), or a list of bucket names
    / S3 ARN prefixes. Returns the API's list of ``{Name, FieldSelectors}``.
    """
    selectors = []
    if management_events and management_events != "none":
        fields = [{"Field": "eventCategory", "Equals": ["Management"]}]
        if management_events == "read":
            fields.append({"Field": "readOnly", "Equals": ["true"]})
        elif management_events == "write":
            fields.append({"Field": "readOnly", "Equals": ["false"]})
        selectors.append({"Name": MANAGEMENT_SELECTOR_NAME, "FieldSelectors": fields})
    if s3_data_events:
        fields = [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        ]
        if s3_data_events != "all":
            prefixes = sorted(set(s3_object_arn_prefix(item, partition) for item in s3_data_events))
            fields.append({"Field": "resources.ARN", "StartsWith": prefixes})
        selectors.append({"Name": S3_DATA_SELECTOR_NAME, "FieldSelectors": fields})
    return selectors


def advanced_selectors_from_options(raw_selectors):
    """The API shape of the module's snake_case ``advanced_event_selectors`` option."""
    selectors = []
    for raw in raw_selectors:
        selector = {"FieldSelectors": []}
        if raw.get("name"):
            selector["Name"] = raw["name"]
        for raw_field in raw["field_selectors"]:
            field = {"Field": raw_field["field"]}
            for operator in FIELD_OPERATORS:
                values = raw_field.get(_snake(operator))
                if values:
                    field[operator] = list(values)
            selector["FieldSelectors"].append(field)
        selectors.append(selector)
    return selectors


def _snake(operator):
    out = ""
    for char in operator:
        out += "_" + char.lower() if char.isupper() and out else char.lower()
    return out


def _selects_every_s3_object(field):
    """A resources.ARN condition that every S3 object ARN meets: StartsWith only, with values
    like ``arn:aws:s3`` or ``arn:aws:s3:::`` (the prefix form of "all buckets")."""
    if field.get("Field") != "resources.ARN" or any(field.get(op) for op in FIELD_OPERATORS if op != "StartsWith"):
        return False
    values = field.get("StartsWith") or []
    return bool(values) and all(re.match(r"^arn:[a-z-]+:s3(:::)?$", value) for value in values)


def _canonical_selector(selector, with_name):
    fields = []
    field_selectors = selector.get("FieldSelectors") or []
    on_s3_objects = any(
        f.get("Field") == "resources.type" and f.get("Equals") == ["AWS::S3::Object"] for f in field_selectors
    )
    for field in field_selectors:
        if on_s3_objects and _selects_every_s3_object(field):
            continue  # the same as no resources.ARN condition: every object of every bucket
        operators = tuple(
            (operator, tuple(sorted(set(field[operator])))) for operator in FIELD_OPERATORS if field.get(operator)
        )
        fields.append((field["Field"], operators))
    canonical = tuple(sorted(fields))
    if with_name:
        return (selector.get("Name") or "", canonical)
    return ("", canonical)


def canonical_selectors(selectors, with_names=False):
    """A hashable, order-free form of a list of advanced event selectors.

    Selectors, field selectors and values compare as sets; names only when asked
    (they are labels, not what is logged).
    """
    return tuple(sorted(_canonical_selector(selector, with_names) for selector in selectors or []))


def selectors_equal(current, desired, compare_names=False):
    """True when ``current`` logs exactly what ``desired`` asks for."""
    if current is None:
        return False
    return canonical_selectors(current, compare_names) == canonical_selectors(desired, compare_names)


def desired_trail_settings(params):
    """CreateTrail/UpdateTrail parameters for the options the user set (``None`` = unmanaged)."""
    settings = {}
    for option, api_name, _returned in TRAIL_SETTINGS:
        value = params.get(option)
        if value is not None:
            settings[api_name] = value
    return settings


def _empty(value):
    return value is None or value == ""


def setting_differs(api_name, current_trail, desired_value, resolved_kms_key_arn=None):
    """Whether one desired setting differs from the trail's current value."""
    returned = dict((api, ret) for _o, api, ret in TRAIL_SETTINGS)[api_name]
    current_value = current_trail.get(returned)
    if api_name in CLEARABLE_SETTINGS and _empty(desired_value):
        return not _empty(current_value)
    if api_name == "SnsTopicName" and desired_value.startswith("arn:"):
        # CloudTrail takes the topic by name or ARN and returns both.
        return desired_value != current_trail.get("SnsTopicARN")
    if api_name == "KmsKeyId":
        # GetTrail returns the key ARN; the user may give an alias, alias ARN or key id.
        return (resolved_kms_key_arn or desired_value) != current_value
    if api_name == "S3KeyPrefix":
        return desired_value != (current_value or "")
    return desired_value != current_value


def trail_updates(current_trail, desired_settings, resolved_kms_key_arn=None):
    """The UpdateTrail parameters whose desired value differs from the trail's."""
    updates = {}
    for api_name, desired_value in desired_settings.items():
        if setting_differs(api_name, current_trail, desired_value, resolved_kms_key_arn):
            updates[api_name] = desired_value
    return updates


def trail_view(trail, is_logging=None, advanced_event_selectors=None, event_selectors=None, tags=None):
    """The module's snake_case view of a trail (used in the return value and the diff)."""
    view = {
        "name": trail.get("Name"),
        "arn": trail.get("TrailARN"),
        "home_region": trail.get("HomeRegion"),
        "s3_bucket_name": trail.get("S3BucketName"),
        "s3_key_prefix": trail.get("S3KeyPrefix"),
        "sns_topic_name": trail.get("SnsTopicName"),
        "sns_topic_arn": trail.get("SnsTopicARN"),
        "include_global_service_events": trail.get("IncludeGlobalServiceEvents"),
        "is_multi_region_trail": trail.get("IsMultiRegionTrail"),
        "is_organization_trail": trail.get("IsOrganizationTrail"),
        "log_file_validation_enabled": trail.get("LogFileValidationEnabled"),
        "cloudwatch_logs_log_group_arn": trail.get("CloudWatchLogsLogGroupArn"),
        "cloudwatch_logs_role_arn": trail.get("CloudWatchLogsRoleArn"),
        "kms_key_id": trail.get("KmsKeyId"),
        "is_logging": is_logging,
        "advanced_event_selectors": snake_selectors(advanced_event_selectors),
        "event_selectors": event_selectors or [],
        "tags": tags if tags is not None else {},
    }
    return view


def snake_selectors(selectors):
    """Advanced event selectors in the module's snake_case option shape."""
    out = []
    for selector in selectors or []:
        fields = []
        for field in selector.get("FieldSelectors") or []:
            snake_field = {"field": field["Field"]}
            for operator in FIELD_OPERATORS:
                if field.get(operator):
                    snake_field[_snake(operator)] = list(field[operator])
            fields.append(snake_field)
        out.append({"name": selector.get("Name"), "field_selectors": fields})
    return out


def apply_updates_to_view(view, updates):
    """The view a trail would have after UpdateTrail(**updates): check mode's 'after'."""
    after = dict(view)
    for option, api_name, _returned in TRAIL_SETTINGS:
        if api_name not in updates:
            continue
        value = updates[api_name]
        if option == "enable_log_file_validation":
            after["log_file_validation_enabled"] = value
        elif option == "sns_topic_name":
            if _empty(value):
                after["sns_topic_name"] = None
                after["sns_topic_arn"] = None
            elif value.startswith("arn:"):
                after["sns_topic_arn"] = value
                after["sns_topic_name"] = value.rsplit(":", 1)[-1]
            else:
                after["sns_topic_name"] = value
                after["sns_topic_arn"] = None if view.get("sns_topic_name") != value else view.get("sns_topic_arn")
        else:
            after[option] = None if (option in _clearable_options() and _empty(value)) else value
    return after


def _clearable_options():
    return [option for option, api_name, _r in TRAIL_SETTINGS if api_name in CLEARABLE_SETTINGS]


# -- reads -------------------------------------------------------------------------------


def find_trails(client, name_or_arn):
    """The trails (DescribeTrails entries, with HomeRegion) named or ARN'd ``name_or_arn``.

    DescribeTrails with shadow trails also finds a multi-region or organization trail from a
    region or account other than its home, which GetTrail by name does not. By name, an
    account of the organization may see both its own trail and the organization's.
    """
    response = client.describe_trails(trailNameList=[name_or_arn], includeShadowTrails=True, aws_retry=True)
    trails = response.get("trailList", [])
    return [trail for trail in trails if name_or_arn in (trail.get("Name"), trail.get("TrailARN"))]


def needs_owner_check(trails, name_or_arn):
    """Whether a trail named (not ARN'd) may belong to another account: an organization trail."""
    return not name_or_arn.startswith("arn:") and any(trail.get("IsOrganizationTrail") for trail in trails)


def pick_trail(trails, name_or_arn, caller_account=None):
    """The trail ``name_or_arn`` names for the caller: by ARN exactly that one; by name the
    caller's own (an organization trail of the management account is reached by ARN only)."""
    if caller_account is not None and not name_or_arn.startswith("arn:"):
        trails = [t for t in trails if arn_account(t.get("TrailARN")) == caller_account]
    return trails[0] if trails else None


def arn_account(arn):
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 else None


def read_is_logging(client, name_or_arn):
    return client.get_trail_status(Name=name_or_arn, aws_retry=True).get("IsLogging", False)


def read_event_selectors(client, name_or_arn):
    """(advanced selectors or None, basic selectors or None) of a trail."""
    response = client.get_event_selectors(TrailName=name_or_arn, aws_retry=True)
    return response.get("AdvancedEventSelectors"), response.get("EventSelectors")


def read_tags(client, trail_arn):
    try:
        response = client.list_tags(ResourceIdList=[trail_arn], aws_retry=True)
    except is_boto3_error_code(["CloudTrailARNInvalidException", "ResourceNotFoundException"]):
        return {}
    for entry in response.get("ResourceTagList", []):
        if entry.get("ResourceId") == trail_arn:
            return boto3_tag_list_to_ansible_dict(entry.get("TagsList") or [])
    return {}


# -- errors ------------------------------------------------------------------------------


def explain_trail_error(code, context):
    """An actionable sentence for CloudTrail's configuration errors, or None.

    ``context`` keys: trail_name, trail_arn, bucket, prefix, account_id, organization_id,
    is_organization_trail, kms_key_id, sns_topic, partition.
    """
    partition = context.get("partition") or "aws"
    bucket = context.get("bucket") or "<bucket>"
    prefix = context.get("prefix") or ""
    prefix = prefix.rstrip("/") + "/" if prefix else ""
    account = context.get("account_id") or "<account id>"
    trail_arn = context.get("trail_arn") or "arn:{0}:cloudtrail:<region>:{1}:trail/{2}".format(
        partition, account, context.get("trail_name") or "<name>"
    )
    if code == "InsufficientS3BucketPolicyException":
        paths = ["arn:{0}:s3:::{1}/{2}AWSLogs/{3}/*".format(partition, bucket, prefix, account)]
        if context.get("is_organization_trail"):
            paths.append(
                "arn:{0}:s3:::{1}/{2}AWSLogs/{3}/*".format(
                    partition, bucket, prefix, context.get("organization_id") or "<o-organization id>"
                )
            )
        message = (
            "CloudTrail cannot write to S3 bucket '{0}': its bucket policy must allow the service principal "
            "cloudtrail.amazonaws.com s3:GetBucketAcl on arn:{1}:s3:::{0} and s3:PutObject on {2}, with "
            "s3:x-amz-acl = bucket-owner-full-control and aws:SourceArn = {3}."
        ).format(bucket, partition, " and ".join(paths), trail_arn)
        if context.get("is_organization_trail"):
            message += (
                " An organization trail also writes every member account's logs under the organization id "
                "path 'AWSLogs/{0}/': the statement for that path is the one most often missing."
            ).format(context.get("organization_id") or "<o-organization id>")
        return message
    if code == "CloudTrailAccessNotEnabledException":
        return (
            "Trusted access for CloudTrail is not enabled in the organization: from the management account, enable "
            "AWS service access for cloudtrail.amazonaws.com (Organizations EnableAWSServiceAccess) before creating "
            "or updating an organization trail."
        )
    if code == "NotOrganizationMasterAccountException":
        return (
            "Account {0} is neither the organization's management account nor CloudTrail's delegated administrator: "
            "an organization trail can only be created or changed from one of those. Use management-account "
            "credentials, or register this account as delegated administrator for cloudtrail.amazonaws.com."
        ).format(account)
    if code == "InsufficientSnsTopicPolicyException":
        return (
            "CloudTrail cannot publish to SNS topic '{0}': the topic must exist and its policy must allow the "
            "service principal cloudtrail.amazonaws.com SNS:Publish with aws:SourceArn = {1}."
        ).format(context.get("sns_topic") or "<topic>", trail_arn)
    if code == "InsufficientEncryptionPolicyException":
        return (
            "CloudTrail cannot use KMS key '{0}': its key policy must allow the service principal "
            "cloudtrail.amazonaws.com kms:GenerateDataKey* (with kms:EncryptionContext:aws:cloudtrail:arn = "
            "arn:{1}:cloudtrail:*:{2}:trail/* and aws:SourceArn = {3}) and kms:DescribeKey."
        ).format(context.get("kms_key_id") or "<key>", partition, account, trail_arn)
    if code == "S3BucketDoesNotExistException":
        return "S3 bucket '{0}' does not exist: create it and its policy first (this module never creates one).".format(
            bucket
        )
    if code == "OrganizationsNotInUseException":
        return "Account {0} is not in an AWS Organization: an organization trail needs one.".format(account)
    if code == "OrganizationNotInAllFeaturesModeException":
        return "The organization must have all features enabled for an organization trail."
    if code == "InsufficientDependencyServiceAccessPermissionException":
        return (
            "CloudTrail lacks permission to read the organization: the caller needs organizations:ListAWSServiceAccess"
            "ForOrganization, iam:CreateServiceLinkedRole and iam:GetRole for the AWSServiceRoleForCloudTrail role."
        )
    if code in ("KmsKeyNotFoundException", "InvalidKmsKeyIdException"):
        return "KMS key '{0}' was not found in the trail's region, or is not a valid key id, alias or ARN.".format(
            context.get("kms_key_id") or ""
        )
    if code == "TrailAlreadyExistsException":
        return (
            "A trail named '{0}' already exists; an organization trail created by CloudTrail's delegated "
            "administrator belongs to the management account, and the delegated administrator must name it by "
            "trail_arn."
        ).format(context.get("trail_name") or "")
    if code == "InvalidHomeRegionException":
        return "Trail '{0}' must be changed from its home region.".format(context.get("trail_name") or trail_arn)
    return None
