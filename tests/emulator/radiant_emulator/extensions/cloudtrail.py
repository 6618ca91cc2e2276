"""CloudTrail: organization trails, destination policy checks and trails by ARN, as AWS does.

Each behaviour below names the AWS page it follows.

- Organization trails (CreateTrail / UpdateTrail with IsOrganizationTrail): the caller
  must be in an organization (OrganizationsNotInUseException), be its management account
  or CloudTrail's delegated administrator (NotOrganizationMasterAccountException), and
  trusted access for cloudtrail.amazonaws.com must be on
  (CloudTrailAccessNotEnabledException). Only the management account may convert a trail
  to or from an organization trail. The organization must have all features enabled
  (OrganizationNotInAllFeaturesModeException). A trail created by the delegated administrator is
  owned by the management account, and the delegated administrator reaches it by ARN.
  (CloudTrail API Reference, CreateTrail / UpdateTrail "IsOrganizationTrail" and Errors:
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html;
  User Guide "Organization delegated administrator":
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-delegated-administrator.html)
- Bucket policy (User Guide "Amazon S3 bucket policy for CloudTrail" and "Prepare for
  creating a trail for your organization",
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html,
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html):
  the policy of the bucket (whichever account owns it) must let cloudtrail.amazonaws.com
  s3:GetBucketAcl on the bucket and s3:PutObject with acl bucket-owner-full-control on
  ``[prefix/]AWSLogs/<trail owner>/*`` and, for organization trails, on
  ``[prefix/]AWSLogs/<o-org id>/*``, with aws:SourceArn = the trail ARN; otherwise
  InsufficientS3BucketPolicyException "Incorrect S3 bucket policy is detected for bucket: <name>".
- KMS key (User Guide "Configure AWS KMS key policies for CloudTrail",
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html):
  the key must exist in the bucket's region (KmsKeyNotFoundException) and its policy must
  let cloudtrail kms:GenerateDataKey* (InsufficientEncryptionPolicyException). The trail
  reports the key's ARN.
- SNS topic (User Guide "Amazon SNS topic policy for CloudTrail",
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html;
  API Reference, CreateTrail "SnsTopicName": "The maximum length is 256 characters", name
  or ARN): given by name (caller's account, trail region) or full ARN (any account); the
  topic policy must let cloudtrail SNS:Publish, otherwise
  InsufficientSnsTopicPolicyException.
- Event selectors (API Reference, PutEventSelectors:
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html):
  EventSelectors or AdvancedEventSelectors, not both (InvalidParameterCombinationException);
  each replaces the other; a new trail logs all management events (default selector);
  DescribeTrails/GetTrail report HasCustomEventSelectors.
- DeleteTrail of an unknown trail is TrailNotFoundException (moto ignores it).
- Home Region (API Reference, UpdateTrail / PutEventSelectors / StartLogging / StopLogging /
  DeleteTrail: "must be called from the Region in which the trail was created"; otherwise
  InvalidHomeRegionException). A multi-Region trail named by name from another Region is its
  shadow: the same exception.
- DescribeTrails with trailNameList (API Reference, DescribeTrails): a name matches only trails
  of the current Region and account; another Region's trail needs its ARN.
- Reads of an organization trail (GetTrail, GetTrailStatus, GetEventSelectors) by ARN work from
  every account of the organization (User Guide, "Creating a trail for an organization": member
  accounts can see the organization trail but cannot change it).
- Log file delivery (control API ``POST /_emulator/cloudtrail/deliver``, ``{"trail_arn",
  "account"}``; AWS delivers on its own every few minutes): one gzipped log file under
  ``[prefix/]AWSLogs/[<o-org id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/`` written as
  cloudtrail.amazonaws.com if the bucket policy allows it then (bucket-owner-full-control,
  aws:SourceArn = the trail), SSE-KMS with the trail's key and encryption context
  aws:cloudtrail:arn, so the bucket's own event notifications fire; then, when the trail has a
  topic (in any account) whose policy lets CloudTrail publish for this trail, the notification
  ``{"s3Bucket": ..., "s3ObjectKey": [key]}`` (User Guide, "How CloudTrail works" / "Finding
  your CloudTrail log files" and "Configuring Amazon SNS notifications for CloudTrail":
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html,
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html).
  A refused write or publish is the answer's ``delivery_error`` / ``notification_error``
  (GetTrailStatus' LatestDeliveryError / LatestNotificationError on AWS).
- RegisterOrganizationDelegatedAdmin / DeregisterOrganizationDelegatedAdmin (API Reference,
  https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_RegisterOrganizationDelegatedAdmin.html).
"""

from __future__ import annotations

import json

from .. import organizations_state, policy_eval, resources
from ..errors import AwsError

SERVICE = "cloudtrail.amazonaws.com"

BUCKET_POLICY_ERROR = "Incorrect S3 bucket policy is detected for bucket: {bucket}"
TOPIC_POLICY_ERROR = "SNS Topic does not exist or the topic policy is incorrect!"
KEY_POLICY_ERROR = "Insufficient permissions to access S3 bucket {bucket} or KMS key {key}."
KEY_NOT_FOUND = "KMS key {key} does not exist, or it is not in the same region as S3 bucket {bucket}."
ACCESS_NOT_ENABLED = (
    "The request could not be processed because your organization hasn't enabled CloudTrail service access. "
    "Enable service access for CloudTrail, and then try again."
)
NOT_IN_ORGANIZATION = (
    "This request is made from an account that is not a member of an organization. "
    "To make this request, sign in using the credentials of an account that belongs to an organization."
)
NOT_MANAGEMENT = (
    "The request could not be processed because the account making the request is not the management account "
    "or a delegated administrator of the organization: {account}."
)
CONVERT_NOT_MANAGEMENT = (
    "Only the management account of the organization can convert a trail to or from an organization trail."
)
NOT_ALL_FEATURES = (
    "This request could not be processed because your organization does not have all features enabled."
)
BOTH_SELECTORS = "You can use either AdvancedEventSelectors or EventSelectors, but not both."
# The exception's documentation (botocore's CloudTrail model); AWS's message text is not published.
HOME_REGION = (
    "This operation was called on a trail from a Region other than the Region in which the trail was created: "
    "call it in {region}."
)
# Operations that only read a trail: member accounts may call them on their organization's trail.
READ_OPERATIONS = {"GetTrail", "GetTrailStatus", "GetEventSelectors", "GetInsightSelectors", "ListTags"}
# Operations that must run in the trail's home Region.
HOME_REGION_OPERATIONS = {"UpdateTrail", "PutEventSelectors", "StartLogging", "StopLogging", "DeleteTrail",
                          "PutInsightSelectors"}
DEFAULT_EVENT_SELECTORS = [
    {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}
]
ADVANCED_SELECTOR_FIELDS = {
    "eventCategory", "eventSource", "eventName", "eventType", "readOnly", "resources.type", "resources.ARN",
    "errorCode", "sessionCredentialFromConsole", "userIdentity.arn", "vpcEndpointId",
}

TRAIL_OUTPUT_MEMBERS = (
    "Name", "S3BucketName", "S3KeyPrefix", "SnsTopicName", "SnsTopicARN", "IncludeGlobalServiceEvents",
    "IsMultiRegionTrail", "TrailARN", "LogFileValidationEnabled", "CloudWatchLogsLogGroupArn",
    "CloudWatchLogsRoleArn", "KmsKeyId", "IsOrganizationTrail",
)


def _trail_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"


# -- organization rules -------------------------------------------------------------------
def _check_organization_caller(caller: str, converting: bool) -> str:
    """Management account id of the caller's organization, if the caller may manage an
    organization trail there; AWS's error otherwise."""
    organization = organizations_state.organization_of(caller)
    if organization is None:
        raise AwsError("OrganizationsNotInUseException", NOT_IN_ORGANIZATION)
    management = organization.management_account_id
    if caller != management:
        if converting or not organizations_state.is_delegated_administrator(caller, SERVICE):
            message = CONVERT_NOT_MANAGEMENT if converting else NOT_MANAGEMENT.format(account=caller)
            raise AwsError("NotOrganizationMasterAccountException", message)
    backend = organizations_state.management_backend(caller)
    if backend.org.feature_set != "ALL":
        raise AwsError("OrganizationNotInAllFeaturesModeException", NOT_ALL_FEATURES)
    if not organizations_state.trusted_access_enabled(SERVICE, caller):
        raise AwsError("CloudTrailAccessNotEnabledException", ACCESS_NOT_ENABLED)
    return management


def _may_reach(caller: str, trail, read_only: bool = False) -> bool:
    """A trail of another account is reachable (by ARN) when it is an organization trail of the
    caller's organization: for reads by every account of it, for changes by CloudTrail's
    delegated administrator only."""
    if trail.account_id == caller:
        return True
    if not trail.is_org_trail:
        return False
    organization = organizations_state.organization_of(caller)
    return (
        organization is not None
        and organization.management_account_id == trail.account_id
        and (read_only or organizations_state.is_delegated_administrator(caller, SERVICE))
    )


# -- destination checks ---------------------------------------------------------------------
def _resolve_topic_arn(topic: str | None, caller: str, region: str) -> str | None:
    if not topic:
        return None
    return topic if topic.startswith("arn:") else f"arn:aws:sns:{region}:{caller}:{topic}"


ALL_DESTINATIONS = frozenset({"bucket", "key", "topic"})


def _check_destinations(
    *, trail_arn, owner, caller, region, bucket_name, prefix, topic_arn, kms_key_id, org_id, checks=ALL_DESTINATIONS
):
    """Validate the bucket, key and topic policies named in ``checks`` for a trail; returns the
    key ARN (or None). UpdateTrail checks only what the request changes."""
    from moto.cloudtrail.exceptions import S3BucketDoesNotExistException

    bucket, _bucket_owner = resources.find_bucket(bucket_name)
    if bucket is None:
        raise S3BucketDoesNotExistException(f"S3 bucket {bucket_name} does not exist!")

    key_arn = None
    if kms_key_id:
        key = resources.find_key(kms_key_id, caller, region)
        if key is None or key.region != bucket.region_name:
            raise AwsError("KmsKeyNotFoundException", KEY_NOT_FOUND.format(key=kms_key_id, bucket=bucket_name))
        key_arn = key.arn
        key_context = {
            "aws:SourceArn": trail_arn,
            "aws:SourceAccount": owner,
            "kms:EncryptionContext:aws:cloudtrail:arn": trail_arn,
        }
        allowed = policy_eval.allows(key.policy, SERVICE, "kms:GenerateDataKey", key_arn, key_context)
        if "key" in checks and not allowed:
            raise AwsError(
                "InsufficientEncryptionPolicyException", KEY_POLICY_ERROR.format(bucket=bucket_name, key=key_arn)
            )

    policy = resources.bucket_policy(bucket)
    context = {
        "aws:SourceArn": trail_arn,
        "aws:SourceAccount": owner,
        "aws:SecureTransport": "true",
        "s3:x-amz-acl": "bucket-owner-full-control",
    }
    if key_arn:
        context["s3:x-amz-server-side-encryption"] = "aws:kms"
        context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = key_arn
    else:
        context["s3:x-amz-server-side-encryption"] = "AES256"
    base = f"arn:aws:s3:::{bucket_name}/" + (f"{prefix.strip('/')}/" if prefix else "")
    objects = [f"{base}AWSLogs/{owner}/CloudTrail/{region}/probe.json.gz"]
    if org_id:
        objects.append(f"{base}AWSLogs/{org_id}/{owner}/CloudTrail/{region}/probe.json.gz")
    allowed = policy_eval.allows(policy, SERVICE, "s3:GetBucketAcl", f"arn:aws:s3:::{bucket_name}", context) and all(
        policy_eval.allows(policy, SERVICE, "s3:PutObject", obj, context) for obj in objects
    )
    if "bucket" in checks and not allowed:
        raise AwsError("InsufficientS3BucketPolicyException", BUCKET_POLICY_ERROR.format(bucket=bucket_name))

    if topic_arn and "topic" in checks:
        topic = resources.find_topic(topic_arn)
        topic_context = {"aws:SourceArn": trail_arn, "aws:SourceAccount": owner}
        if topic is None or not policy_eval.allows(topic.policy, SERVICE, "SNS:Publish", topic_arn, topic_context):
            raise AwsError("InsufficientSnsTopicPolicyException", TOPIC_POLICY_ERROR)
    return key_arn


# -- log file delivery -------------------------------------------------------------------------
def _find_trail(trail_arn: str):
    from moto.cloudtrail.models import cloudtrail_backends

    parts = resources.parse_arn(trail_arn)
    if parts is None or parts["service"] != "cloudtrail" or parts["account"] not in cloudtrail_backends:
        return None
    backend = cloudtrail_backends[parts["account"]].get(parts["region"])
    return next((t for t in backend.trails.values() if t.arn == trail_arn), None) if backend else None


def deliver_log_file(trail_arn: str, account: str | None = None) -> dict:
    """Deliver one log file of ``trail_arn`` for ``account`` (default the trail's owner)."""
    import gzip
    import uuid
    from datetime import datetime, timezone

    from moto.s3.models import s3_backends

    from .iam_enforcement import KMS_CONTEXT_ATTRIBUTE

    trail = _find_trail(trail_arn)
    if trail is None:
        raise ValueError(f"no trail {trail_arn}")
    owner, region = trail.account_id, trail.region_name
    account = account or owner
    org_id = None
    if trail.is_org_trail:
        organization = organizations_state.organization_of(owner)
        org_id = organization.id if organization else None
    now = datetime.now(timezone.utc)
    stamp = now.strftime("%Y%m%dT%H%MZ")
    key_name = "/".join(part for part in [
        (trail.s3_key_prefix or "").strip("/"), "AWSLogs", org_id, account, "CloudTrail", region,
        now.strftime("%Y/%m/%d"), f"{account}_CloudTrail_{region}_{stamp}_{uuid.uuid4().hex[:16]}.json.gz",
    ] if part)
    result = {"bucket": trail.bucket_name, "key": key_name, "topic_arn": _topic_arn(trail),
              "delivery_error": None, "notification_error": None}
    bucket, bucket_owner = resources.find_bucket(trail.bucket_name)
    context = {"aws:SourceArn": trail.arn, "aws:SourceAccount": owner, "aws:SecureTransport": "true",
               "s3:x-amz-acl": "bucket-owner-full-control",
               "s3:x-amz-server-side-encryption": "aws:kms" if trail.kms_key_id else "AES256"}
    if trail.kms_key_id:
        context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = trail.kms_key_id
    object_arn = f"arn:aws:s3:::{trail.bucket_name}/{key_name}"
    policy = resources.bucket_policy(bucket) if bucket is not None else None
    if bucket is None or not policy_eval.allows(policy, SERVICE, "s3:PutObject", object_arn, context):
        result["delivery_error"] = "AccessDenied"
        return result
    body = gzip.compress(json.dumps({"Records": [{
        "eventVersion": "1.09", "eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity",
        "awsRegion": region, "recipientAccountId": account, "eventTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }]}).encode())
    kms = {"encryption": "aws:kms", "kms_key_id": trail.kms_key_id} if trail.kms_key_id else {}
    stored = s3_backends[bucket_owner]["aws"].put_object(trail.bucket_name, key_name, body, **kms)
    if trail.kms_key_id:
        setattr(stored, KMS_CONTEXT_ATTRIBUTE, {"aws:cloudtrail:arn": trail.arn})
    topic_arn = result["topic_arn"]
    if topic_arn:
        from moto.sns.models import sns_backends

        topic = resources.find_topic(topic_arn)
        topic_context = {"aws:SourceArn": trail.arn, "aws:SourceAccount": owner}
        if topic is None or not policy_eval.allows(topic.policy, SERVICE, "SNS:Publish", topic_arn, topic_context):
            result["notification_error"] = "AuthorizationError"
            return result
        parts = resources.parse_arn(topic_arn)
        message = json.dumps({"s3Bucket": trail.bucket_name, "s3ObjectKey": [key_name]})
        sns_backends[parts["account"]][parts["region"]].publish(message=message, arn=topic_arn)
    return result


def control(method: str, route: str, body: dict) -> tuple[int, dict]:
    if method == "POST" and route.strip("/") == "cloudtrail/deliver" and body.get("trail_arn"):
        return 200, deliver_log_file(body["trail_arn"], body.get("account"))
    return 400, {"error": 'use POST /_emulator/cloudtrail/deliver {"trail_arn": ..., "account": ...}'}


# -- patched moto pieces ----------------------------------------------------------------------
def _topic_arn(self):
    explicit = getattr(self, "radiant_topic_arn", None)
    if explicit:
        return explicit
    if self.sns_topic_name:
        return f"arn:aws:sns:{self.region_name}:{self.account_id}:{self.sns_topic_name}"
    return None


def _description(original):
    def description(self, include_region: bool = False):
        desc = original(self, include_region)
        desc["HasCustomEventSelectors"] = bool(self.event_selectors or self.advanced_event_selectors)
        desc["HasInsightSelectors"] = bool(self.insight_selectors)
        if desc.get("SnsTopicName"):
            desc["SnsTopicName"] = desc["SnsTopicName"].rsplit(":", 1)[-1]
        return {key: value for key, value in desc.items() if value is not None}

    return description


def _route_backend(self):
    """The backend that holds the trail a request names: the home region's backend for
    an ARN, and the management account's for an organization trail reached by its
    delegated administrator. Anything else stays with the caller (moto's behaviour)."""
    from moto.cloudtrail.models import cloudtrail_backends

    caller = self.current_account
    params = _params(self)
    operation = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
    ref = params.get("Name") or params.get("TrailName") or params.get("ResourceId")
    if not ref and params.get("ResourceIdList"):
        ref = params["ResourceIdList"][0]
    parts = resources.parse_arn(ref) if isinstance(ref, str) else None
    if parts and parts["service"] == "cloudtrail" and parts["region"] and parts["account"]:
        backend = cloudtrail_backends[parts["account"]][parts["region"]]
        trail = next((t for t in backend.trails.values() if t.arn == ref), None)
        if trail is not None and _may_reach(caller, trail, read_only=operation in READ_OPERATIONS):
            if operation in HOME_REGION_OPERATIONS and trail.region_name != self.region:
                raise AwsError("InvalidHomeRegionException", HOME_REGION.format(region=trail.region_name))
            return backend
    own = cloudtrail_backends[caller][self.region]
    if operation in HOME_REGION_OPERATIONS and isinstance(ref, str) and ref not in own.trails:
        for region, backend in cloudtrail_backends[caller].items():
            trail = backend.trails.get(ref)
            if trail is not None and trail.is_multi_region and region != self.region:
                raise AwsError("InvalidHomeRegionException", HOME_REGION.format(region=region))
    return own


def _params(response) -> dict:
    cached = getattr(response, "_radiant_params", None)
    if cached is None:
        try:
            cached = json.loads(response.body or "{}")
        except ValueError:
            cached = {}
        response._radiant_params = cached
    return cached


def _trail_output(trail) -> str:
    desc = trail.description()
    return json.dumps({key: desc[key] for key in TRAIL_OUTPUT_MEMBERS if key in desc})


def create_trail(self) -> str:
    from moto.cloudtrail.exceptions import InvalidParameterCombinationException
    from moto.cloudtrail.models import Trail, cloudtrail_backends

    params = _params(self)
    caller, region = self.current_account, self.region
    name = params.get("Name")
    is_global = params.get("IncludeGlobalServiceEvents", True)
    is_multi_region = params.get("IsMultiRegionTrail", False)
    if not is_global and is_multi_region:
        raise InvalidParameterCombinationException("Multi-Region trail must include global service events.")
    is_org_trail = bool(params.get("IsOrganizationTrail", False))
    owner, org_id = caller, None
    if is_org_trail:
        owner = _check_organization_caller(caller, converting=False)
        org_id = organizations_state.organization_of(caller).id
    backend = cloudtrail_backends[owner][region]
    if name in backend.trails:
        raise AwsError("TrailAlreadyExistsException", f"Trail {name} already exists for customer: {owner}")
    trail_arn = _trail_arn(region, owner, name)
    topic_arn = _resolve_topic_arn(params.get("SnsTopicName"), caller, region)
    key_arn = _check_destinations(
        trail_arn=trail_arn, owner=owner, caller=caller, region=region, bucket_name=params.get("S3BucketName"),
        prefix=params.get("S3KeyPrefix"), topic_arn=topic_arn, kms_key_id=params.get("KmsKeyId"), org_id=org_id,
    )
    trail = Trail(
        owner, region, name, params.get("S3BucketName"), params.get("S3KeyPrefix"),
        topic_arn.rsplit(":", 1)[-1] if topic_arn else None, is_global, is_multi_region,
        bool(params.get("EnableLogFileValidation", False)), is_org_trail,
        params.get("CloudWatchLogsLogGroupArn"), params.get("CloudWatchLogsRoleArn"), key_arn,
    )
    trail.radiant_topic_arn = topic_arn
    trail.event_selectors = [dict(selector) for selector in DEFAULT_EVENT_SELECTORS]
    trail.radiant_default_selectors = True
    backend.trails[name] = trail
    backend.tagging_service.tag_resource(trail.arn, params.get("TagsList", []))
    return _trail_output(trail)


def update_trail(self) -> str:
    params = _params(self)
    caller = self.current_account
    backend = self.cloudtrail_backend
    trail = backend.get_trail(params.get("Name"))
    region = trail.region_name
    wants_org = params.get("IsOrganizationTrail")
    is_org_trail = trail.is_org_trail if wants_org is None else bool(wants_org)
    converting = wants_org is not None and bool(wants_org) != trail.is_org_trail
    org_id = None
    if is_org_trail or converting:
        _check_organization_caller(caller, converting=converting)
        org_id = organizations_state.organization_of(caller).id if is_org_trail else None
    bucket = params.get("S3BucketName", trail.bucket_name)
    prefix = params.get("S3KeyPrefix", trail.s3_key_prefix)
    topic_arn = trail.topic_arn
    if "SnsTopicName" in params:
        topic_arn = _resolve_topic_arn(params["SnsTopicName"], caller, region)
    kms_key_id = params.get("KmsKeyId", trail.kms_key_id)
    checks = set()
    if {"S3BucketName", "S3KeyPrefix", "KmsKeyId"} & set(params) or (converting and is_org_trail):
        checks.add("bucket")
    if "KmsKeyId" in params:
        checks.add("key")
    if "SnsTopicName" in params:
        checks.add("topic")
    key_arn = _check_destinations(
        trail_arn=trail.arn, owner=trail.account_id, caller=caller, region=region, bucket_name=bucket,
        prefix=prefix, topic_arn=topic_arn, kms_key_id=kms_key_id, org_id=org_id, checks=checks,
    )
    trail.bucket_name, trail.s3_key_prefix, trail.kms_key_id = bucket, prefix, key_arn
    trail.radiant_topic_arn = topic_arn
    trail.sns_topic_name = topic_arn.rsplit(":", 1)[-1] if topic_arn else None
    trail.is_org_trail = is_org_trail
    for param, attribute in (
        ("IncludeGlobalServiceEvents", "include_global_service_events"),
        ("IsMultiRegionTrail", "is_multi_region"),
        ("EnableLogFileValidation", "log_validation"),
        ("CloudWatchLogsLogGroupArn", "cw_log_group_arn"),
        ("CloudWatchLogsRoleArn", "cw_role_arn"),
    ):
        if param in params:
            setattr(trail, attribute, params[param])
    return _trail_output(trail)


def describe_trails(self) -> str:
    """Own trails (and shadows of multi-region ones), plus the organization trail for member
    accounts, or only the trails named in trailNameList (names or ARNs)."""
    from moto.cloudtrail.models import cloudtrail_backends

    params = _params(self)
    caller = self.current_account
    include_shadow = params.get("includeShadowTrails", True)
    trails = list(cloudtrail_backends[caller][self.region].describe_trails(include_shadow))
    organization = organizations_state.organization_of(caller)
    if include_shadow and organization is not None and organization.management_account_id != caller:
        for backend in cloudtrail_backends[organization.management_account_id].values():
            trails.extend(
                t for t in backend.trails.values()
                if t.is_org_trail and (t.is_multi_region or t.region_name == self.region)
            )
    names = params.get("trailNameList")
    if names:
        wanted = []
        for ref in names:
            if ref.startswith("arn:"):
                match = [t for t in trails if t.arn == ref]
            else:
                # A name matches only the current Region's and account's trails (API Reference, DescribeTrails).
                match = [t for t in trails if t.trail_name == ref and t.region_name == self.region
                         and t.account_id == caller]
            if not match and ref.startswith("arn:"):
                parts = resources.parse_arn(ref)
                backend = cloudtrail_backends[parts["account"]][parts["region"]]
                match = [t for t in backend.trails.values() if t.arn == ref and _may_reach(caller, t, read_only=True)]
            wanted.extend(match)
        trails = wanted
    unique = list({t.arn: t for t in trails}.values())
    return json.dumps({"trailList": [t.description(include_region=True) for t in unique]})


def get_trail(self) -> str:
    trail = self.cloudtrail_backend.get_trail(_params(self).get("Name"))
    return json.dumps({"Trail": trail.description(include_region=True)})


def delete_trail(self) -> str:
    backend = self.cloudtrail_backend
    trail = backend.get_trail(_params(self).get("Name"))
    if trail.is_org_trail and trail.account_id != self.current_account:
        # AWS: only the management account deletes an organization trail's owner copy.
        raise AwsError("NotOrganizationMasterAccountException", CONVERT_NOT_MANAGEMENT)
    del backend.trails[trail.trail_name]
    return json.dumps({})


def _validate_advanced_selectors(selectors: list[dict]) -> None:
    for selector in selectors:
        fields = selector.get("FieldSelectors") or []
        names = {field.get("Field") for field in fields}
        unknown = names - ADVANCED_SELECTOR_FIELDS
        if unknown or "eventCategory" not in names:
            detail = f"unknown field {sorted(unknown)[0]}" if unknown else "eventCategory is required"
            raise AwsError("InvalidEventSelectorsException", f"Invalid AdvancedEventSelectors: {detail}.")


def put_event_selectors(self) -> str:
    params = _params(self)
    basic, advanced = params.get("EventSelectors"), params.get("AdvancedEventSelectors")
    if basic and advanced:
        raise AwsError("InvalidParameterCombinationException", BOTH_SELECTORS)
    if not basic and not advanced:
        raise AwsError("InvalidParameterCombinationException", BOTH_SELECTORS)
    trail = self.cloudtrail_backend.get_trail(params.get("TrailName"))
    if advanced:
        _validate_advanced_selectors(advanced)
        trail.event_selectors, trail.advanced_event_selectors = [], advanced
    else:
        trail.event_selectors, trail.advanced_event_selectors = basic, []
    trail.radiant_default_selectors = False
    return json.dumps(_selectors_output(trail))


def get_event_selectors(self) -> str:
    trail = self.cloudtrail_backend.get_trail(_params(self).get("TrailName"))
    return json.dumps(_selectors_output(trail))


def _selectors_output(trail) -> dict:
    output = {"TrailARN": trail.arn}
    if trail.advanced_event_selectors:
        output["AdvancedEventSelectors"] = trail.advanced_event_selectors
    else:
        output["EventSelectors"] = trail.event_selectors
    return output


def _has_custom_selectors(trail) -> bool:
    if getattr(trail, "radiant_default_selectors", False):
        return False
    return bool(trail.event_selectors or trail.advanced_event_selectors)


def register_organization_delegated_admin(self) -> str:
    account = _params(self).get("MemberAccountId")
    management = _require_management(self.current_account)
    if account == management.account_id:
        raise AwsError(
            "CannotDelegateManagementAccountException",
            "You cannot register the management account of the organization as a delegated administrator.",
        )
    if organizations_state.is_delegated_administrator(account, SERVICE):
        raise AwsError("AccountRegisteredException", f"Account {account} is already a delegated administrator.")
    if not any(member.id == account for member in management.accounts):
        raise AwsError("AccountNotFoundException", f"Account {account} is not found in the organization.")
    management.register_delegated_administrator(AccountId=account, ServicePrincipal=SERVICE)
    return json.dumps({})


def deregister_organization_delegated_admin(self) -> str:
    account = _params(self).get("DelegatedAdminAccountId")
    management = _require_management(self.current_account)
    if not any(member.id == account for member in management.accounts):
        raise AwsError("AccountNotFoundException", f"Account {account} is not found in the organization.")
    if not organizations_state.is_delegated_administrator(account, SERVICE):
        raise AwsError("AccountNotRegisteredException", f"Account {account} is not a delegated administrator.")
    management.deregister_delegated_administrator(AccountId=account, ServicePrincipal=SERVICE)
    return json.dumps({})


def _require_management(caller: str):
    management = organizations_state.management_backend(caller)
    if management is None:
        raise AwsError("OrganizationsNotInUseException", NOT_IN_ORGANIZATION)
    if management.account_id != caller:
        raise AwsError(
            "NotOrganizationManagementAccountException",
            "This operation can be performed only by the management account of the organization.",
        )
    if not organizations_state.trusted_access_enabled(SERVICE, caller):
        raise AwsError("CloudTrailAccessNotEnabledException", ACCESS_NOT_ENABLED)
    return management


def install() -> None:
    from moto.cloudtrail.models import Trail
    from moto.cloudtrail.responses import CloudTrailResponse

    if getattr(CloudTrailResponse, "_radiant_cloudtrail", False):
        return
    # Our handlers validate destinations (across accounts) before a Trail is built.
    Trail.check_bucket_exists = lambda self: None
    Trail.check_topic_exists = lambda self: None
    Trail.topic_arn = property(_topic_arn)
    original_description = _description(Trail.description)

    def description(self, include_region: bool = False):
        desc = original_description(self, include_region)
        desc["HasCustomEventSelectors"] = _has_custom_selectors(self)
        return desc

    Trail.description = description
    CloudTrailResponse.cloudtrail_backend = property(_route_backend)
    for handler in (
        create_trail, update_trail, describe_trails, get_trail, delete_trail, put_event_selectors,
        get_event_selectors, register_organization_delegated_admin, deregister_organization_delegated_admin,
    ):
        setattr(CloudTrailResponse, handler.__name__, handler)
    CloudTrailResponse._radiant_cloudtrail = True
