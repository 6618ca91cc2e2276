# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudTrail trail logic: desired settings, advanced event selectors, comparison, errors, and
the cloudtrail_trail module's whole run (TrailManager, run_trail_module), in the module's own
account or in many accounts at once (converge_trail_accounts, each through its role session).

Everything above TrailManager is pure (no AWS call) except the small ``read_*`` helpers, which
take a retry-wrapped client (``aws_retry=True``).
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    DEFAULT_ACCOUNT_WORKERS,
    AccountAccessError,
    accounts_argument_spec,
    failure_message,
    normalized_accounts,
    run_concurrently,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.arns import (
    arn,
    partition_for_region,
    service_principal,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import (
    AWS_ERRORS,
    aws_client,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_errors import (
    error_code,
    error_message,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of

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


def s3_object_arn_prefix(bucket_or_arn, partition="aws"):
    """An S3 object ARN prefix for a bucket name (every object in it) or an ARN prefix as given."""
    if bucket_or_arn.startswith("arn:"):
        return bucket_or_arn
    return arn(partition, "s3", "", "", bucket_or_arn.strip("/") + "/")


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
    except AWS_ERRORS as error:
        if error_code(error) in ("CloudTrailARNInvalidException", "ResourceNotFoundException"):
            return {}
        raise
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
    trail_arn = context.get("trail_arn") or arn(
        partition, "cloudtrail", "<region>", account, "trail/{0}".format(context.get("trail_name") or "<name>")
    )
    if code == "InsufficientS3BucketPolicyException":
        paths = [arn(partition, "s3", "", "", "{0}/{1}AWSLogs/{2}/*".format(bucket, prefix, account))]
        if context.get("is_organization_trail"):
            paths.append(arn(partition, "s3", "", "", "{0}/{1}AWSLogs/{2}/*".format(
                bucket, prefix, context.get("organization_id") or "<o-organization id>")))
        message = (
            "CloudTrail cannot write to S3 bucket '{0}': its bucket policy must allow the service principal "
            "{4} s3:GetBucketAcl on {1} and s3:PutObject on {2}, with "
            "s3:x-amz-acl = bucket-owner-full-control and aws:SourceArn = {3}."
        ).format(bucket, arn(partition, "s3", "", "", bucket), " and ".join(paths), trail_arn,
                 service_principal("cloudtrail", partition))
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
            "{1} and aws:SourceArn = {2}) and kms:DescribeKey."
        ).format(context.get("kms_key_id") or "<key>", arn(partition, "cloudtrail", "*", account, "trail/*"), trail_arn)
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


# -- the cloudtrail_trail module ------------------------------------------------------------


class TrailError(Exception):
    """Why a trail could not be read or converged; ``error`` keeps AWS's exception, if any."""

    def __init__(self, message, error=None):
        super(TrailError, self).__init__(message)
        self.message = message
        self.error = error


def module_clients(module):
    """``clients(service, region=None)`` of the module's own credentials (region None: the module's)."""
    def clients(service, region=None):
        if region is None:
            return aws_client(module, service)
        return aws_client(module, service, region=region)
    return clients


def session_clients(sessions, credentials, region):
    """``clients(service, region=None)`` of one account's session (account_sessions.AccountSessions)."""
    def clients(service, client_region=None):
        return sessions.client(service, credentials, client_region or region)
    return clients


class TrailManager:
    """One trail in one account: reads it, then creates, updates or deletes it.

    ``clients(service, region=None)`` returns a retrying client of the account (module_clients or
    session_clients); ``account_id``, when known, spares the sts:GetCallerIdentity of ARNs and errors.
    Bad input and AWS errors raise TrailError.
    """

    def __init__(self, params, region, check_mode, clients, account_id=None):
        self.params = params
        self.region = region
        self.check_mode = check_mode
        self.clients = clients
        self.client = clients("cloudtrail")
        self.partition = partition_for_region(region)
        self.ref = self.params["trail_arn"] or self.params["name"]
        self.changed = False
        self.current_advanced = None
        self._caller_account = account_id

    # -- reads -------------------------------------------------------------------------
    def read(self):
        """(trail, view) of the trail as it is, or (None, {})."""
        try:
            trails = find_trails(self.client, self.ref)
            owner = self.caller_account() if needs_owner_check(trails, self.ref) else None
            trail = pick_trail(trails, self.ref, owner)
            if trail is None:
                return None, {}
            home = trail.get("HomeRegion")
            if home and home != self.region:
                self.client = self.clients("cloudtrail", home)
            is_logging = read_is_logging(self.client, self.ref)
            advanced, basic = read_event_selectors(self.client, self.ref)
            self.current_advanced = advanced
            tags = read_tags(self.client, trail["TrailARN"])
        except AWS_ERRORS as e:
            raise TrailError("Failed to read trail {0}".format(self.ref), e) from e
        return trail, trail_view(trail, is_logging, advanced, basic, tags)

    def caller_account(self):
        if self._caller_account is None:
            try:
                sts = self.clients("sts")
                self._caller_account = sts.get_caller_identity(aws_retry=True)["Account"]
            except AWS_ERRORS:
                self._caller_account = ""
        return self._caller_account

    def organization_id(self):
        try:
            organizations = self.clients("organizations")
            return organizations.describe_organization(aws_retry=True)["Organization"]["Id"]
        except AWS_ERRORS:
            return None

    def resolved_kms_key_arn(self, current_key):
        """The ARN the user's kms_key_id names (a read; check mode may call it)."""
        wanted = self.params["kms_key_id"]
        if not wanted or wanted == current_key:
            return None
        try:
            kms = self.clients("kms", self.client.meta.region_name)
            return kms.describe_key(KeyId=wanted, aws_retry=True)["KeyMetadata"]["Arn"]
        except AWS_ERRORS:
            return None  # CloudTrail will say what is wrong with the key

    # -- desired ----------------------------------------------------------------------
    def desired_selectors(self):
        """(advanced selectors or None when unmanaged, whether names are compared)."""
        if self.params["advanced_event_selectors"] is not None:
            selectors = advanced_selectors_from_options(self.params["advanced_event_selectors"])
            return selectors, any(s.get("Name") for s in selectors)
        management = self.params["management_events"]
        s3_events = self.params["s3_data_events"]
        if management is None and s3_events is None:
            return None, False
        if s3_events is not None and [item.lower() for item in s3_events] == ["all"]:
            s3_events = "all"
        selectors = build_advanced_event_selectors(management, s3_events, self.partition)
        if not selectors:
            raise TrailError(
                "management_events=none and no s3_data_events would log nothing: give at least one of them.")
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
        advice = explain_trail_error(code, context)
        message = "Failed to {0} trail {1}".format(action, self.ref)
        if advice:
            message = "{0}: {1}".format(message, advice.rstrip("."))
        raise TrailError(message, error)

    # -- present ----------------------------------------------------------------------
    def create(self):
        name = self.params["name"] or self.ref.rsplit("/", 1)[-1]
        if not self.params["s3_bucket_name"]:
            raise TrailError("s3_bucket_name is required to create trail {0}".format(name))
        request = dict((k, v) for k, v in desired_trail_settings(self.params).items() if v != "")
        request["Name"] = name
        if self.params["tags"]:
            request["TagsList"] = ansible_dict_to_boto3_tag_list(self.params["tags"])
        selectors, _names = self.desired_selectors()
        self.changed = True
        if self.check_mode:
            return self.predicted_new_view(name, selectors)
        try:
            created = self.client.create_trail(aws_retry=True, **request)
        except AWS_ERRORS as e:
            self.fail(e, "create", self.predicted_arn(name))
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

    def predicted_arn(self, name):
        """The ARN CloudTrail gives a new trail ``name`` of the caller in this Region."""
        return arn(self.partition, "cloudtrail", self.region, self.caller_account(), "trail/" + name)

    def predicted_new_view(self, name, selectors):
        trail = {"Name": name, "HomeRegion": self.region}
        trail["TrailARN"] = self.predicted_arn(name)
        defaults = {"IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": False, "LogFileValidationEnabled": False,
                    "IsOrganizationTrail": False}
        trail.update(defaults)
        view = apply_updates_to_view(trail_view(trail), desired_trail_settings(self.params))
        view["is_logging"] = self.params["enable_logging"]
        view["tags"] = self.params["tags"] or {}
        if selectors is not None:
            view["advanced_event_selectors"] = snake_selectors(selectors)
        return view

    def update(self, trail, before):
        after = dict(before)
        desired = desired_trail_settings(self.params)
        updates = trail_updates(trail, desired, self.resolved_kms_key_arn(trail.get("KmsKeyId")))
        selectors, compare_names = self.desired_selectors()
        put_selectors = selectors is not None and not selectors_equal(
            self.current_advanced, selectors, compare_names
        )
        logging_change = self.params["enable_logging"] != before["is_logging"]
        tags_to_set, tags_to_unset = {}, []
        if self.params["tags"] is not None:
            tags_to_set, tags_to_unset = compare_aws_tags(
                before["tags"], self.params["tags"], self.params["purge_tags"]
            )

        if updates:
            after = apply_updates_to_view(after, updates)
        if put_selectors:
            after["advanced_event_selectors"] = snake_selectors(selectors)
            after["event_selectors"] = []
        if logging_change:
            after["is_logging"] = self.params["enable_logging"]
        if tags_to_set or tags_to_unset:
            tags = dict((k, v) for k, v in before["tags"].items() if k not in tags_to_unset)
            tags.update(tags_to_set)
            after["tags"] = tags
        self.changed = bool(updates or put_selectors or logging_change or tags_to_set or tags_to_unset)
        if not self.changed or self.check_mode:
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
        if self.check_mode:
            return
        try:
            self.client.delete_trail(Name=self.ref, aws_retry=True)
        except AWS_ERRORS as e:
            if error_code(e) == "TrailNotFoundException":
                self.changed = False
                return
            self.fail(e, "delete", trail["TrailARN"])


_FIELD_SELECTOR_SPEC = dict(
    field=dict(type="str", required=True),
    equals=dict(type="list", elements="str"),
    starts_with=dict(type="list", elements="str"),
    ends_with=dict(type="list", elements="str"),
    not_equals=dict(type="list", elements="str"),
    not_starts_with=dict(type="list", elements="str"),
    not_ends_with=dict(type="list", elements="str"),
)


def trail_argument_spec():
    """The cloudtrail_trail module's options (a fresh dict each call)."""
    return dict(
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
        management_events=dict(type="str", choices=list(MANAGEMENT_EVENT_MODES)),
        s3_data_events=dict(type="list", elements="str"),
        advanced_event_selectors=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str"),
                field_selectors=dict(type="list", elements="dict", required=True, options=_FIELD_SELECTOR_SPEC),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        **accounts_argument_spec(workers=True)
    )


# The module's option rules, beside its argument spec.
TRAIL_OPTION_RULES = dict(
    required_one_of=[("name", "trail_arn")],
    required_together=[("cloudwatch_logs_log_group_arn", "cloudwatch_logs_role_arn")],
    mutually_exclusive=[
        ("advanced_event_selectors", "management_events"),
        ("advanced_event_selectors", "s3_data_events"),
        ("accounts", "trail_arn"),  # an ARN names one account's trail
    ],
)


def converge_trail(manager, state="present"):
    """(changed, before, after) of one trail: read it, then create, update or delete it."""
    trail, before = manager.read()
    if state == "absent":
        if trail is not None:
            manager.delete(trail)
        after = {}
    elif trail is None:
        after = manager.create()
    else:
        after = manager.update(trail, before)
    return manager.changed, before, after


def trail_entry(account_id, region, changed=False, trail=None, error=None, before=None, with_diff=False):
    """One account's trail as the module returns it with O(accounts)."""
    entry = {"account_id": account_id, "region": region, "changed": changed, "trail": trail or {}, "error": error}
    if with_diff and error is None:
        entry["diff"] = diff_of(before, trail or {})
    return entry


def converge_account_trail(sessions, account, params, region, check_mode=False, with_diff=False):
    """The trail of one account of O(accounts), through its role session; a failure is the entry's error."""
    account_id = account["account_id"]
    try:
        credentials = sessions.credentials(account_id, account.get("role_arn"))
    except AccountAccessError as e:
        return trail_entry(account_id, region, error="account {0}, {1}: {2}".format(account_id, region, e.reason))
    manager = None
    try:
        manager = TrailManager(params, region, check_mode, session_clients(sessions, credentials, region),
                               account_id=account_id)
        changed, before, after = converge_trail(manager, params["state"])
    except TrailError as e:
        message = e.message
        if e.error is not None:
            message = "{0}: {1}".format(message.rstrip("."), error_message(e.error) or e.error)
    except AWS_ERRORS as e:  # a client that could not be built: no endpoint, no credentials
        message = "Failed on trail {0}: {1}".format(params["name"], error_message(e) or e)
    else:
        return trail_entry(account_id, region, changed, after, before=before, with_diff=with_diff)
    return trail_entry(account_id, region, changed=bool(manager and manager.changed),
                       error="account {0}, {1}: {2}".format(account_id, region, message))


def converge_trail_accounts(sessions, accounts, params, region, check_mode=False,
                            max_workers=DEFAULT_ACCOUNT_WORKERS, with_diff=False):
    """The same trail in every account of ``accounts`` (dicts with account_id and an optional role_arn).

    ``sessions`` is an account_sessions.AccountSessions: ONE sts:AssumeRole per account, the
    accounts at most ``max_workers`` at once. An account that fails does not stop the others.
    Returns changed, trails (one entry per account, in the given order), errors, and the diff of
    the accounts that change, keyed by account id.
    """
    accounts = normalized_accounts(accounts)
    trails = run_concurrently(accounts, lambda account: converge_account_trail(
        sessions, account, params, region, check_mode=check_mode, with_diff=with_diff), max_workers)
    before, after = {}, {}
    for entry in trails:
        if entry["changed"] and "diff" in entry:
            before[entry["account_id"]] = entry["diff"]["before"]
            after[entry["account_id"]] = entry["diff"]["after"]
    return {
        "changed": any(entry["changed"] for entry in trails),
        "trails": trails,
        "errors": [entry["error"] for entry in trails if entry["error"]],
        "diff": diff_of(before, after),
    }


def accounts_input_problems(accounts):
    """What is wrong with O(accounts), before any call: each problem names the account and the field."""
    problems = []
    for index, account in enumerate(accounts or []):
        account_id, role_arn = str(account["account_id"]), account.get("role_arn")
        if not re.match(r"^[0-9]{12}$", account_id):
            problems.append("accounts[{0}].account_id: '{1}' is not a 12-digit account id".format(index, account_id))
        elif role_arn and arn_account(role_arn) != account_id:
            problems.append("accounts[{0}].role_arn: {1} is not a role of account {2}".format(
                index, role_arn, account_id))
    return problems


def run_trail_module(module, sessions_for=None):
    """The cloudtrail_trail module's result for ``module`` (an AnsibleAWSModule with
    trail_argument_spec()); fails the module on bad input or an AWS error.

    With O(accounts), ``sessions_for(module)`` (account_sessions.AccountSessions.for_module) opens
    the accounts' sessions, and the module fails at the end naming every account that failed."""
    name, arn = module.params["name"], module.params["trail_arn"]
    if name and arn and arn.rsplit("/", 1)[-1] != name:
        module.fail_json(msg="name {0} and trail_arn {1} name different trails".format(name, arn))
    if module.params.get("accounts") is not None:
        return run_trail_accounts(module, sessions_for)

    manager = TrailManager(module.params, module.region, module.check_mode, module_clients(module))
    try:
        changed, before, after = converge_trail(manager, module.params["state"])
    except TrailError as e:
        if e.error is not None:
            module.fail_json_aws(e.error, msg=e.message)
        module.fail_json(msg=e.message)

    result = dict(changed=changed, trail=after)
    if module._diff:
        result["diff"] = diff_of(before, after)
    return result


def run_trail_accounts(module, sessions_for):
    """O(accounts): the trail in every account, concurrently; the failures reported together at the end."""
    problems = accounts_input_problems(module.params["accounts"])
    if problems:
        module.fail_json(msg="cloudtrail_trail: " + "; ".join(problems))
    outcome = converge_trail_accounts(sessions_for(module), module.params["accounts"], module.params, module.region,
                                      check_mode=module.check_mode, max_workers=module.params["max_workers"],
                                      with_diff=module._diff)
    diff = outcome.pop("diff")
    if module._diff:
        outcome["diff"] = diff
    if outcome["errors"]:
        module.fail_json(msg=failure_message(outcome["errors"], len(outcome["trails"]), what="accounts"), **outcome)
    return outcome
