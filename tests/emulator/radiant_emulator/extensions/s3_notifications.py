"""S3 event notifications to SNS/SQS and SNS delivery to SQS, across accounts, as AWS does.

- PutBucketNotificationConfiguration validates each SNS/SQS destination when saved: it must
  exist and its resource policy must let s3.amazonaws.com publish (SNS:Publish) or send
  (SQS:SendMessage) for this bucket (aws:SourceArn = the bucket ARN, aws:SourceAccount =
  the bucket owner); otherwise 400 InvalidArgument "Unable to validate the following
  destination configurations", naming each failing destination in ArgumentNameN /
  ArgumentValueN (S3 User Guide, "Granting permissions to publish event notification
  messages to a destination" and "Walkthrough: Configuring a bucket for notifications",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html,
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/ways-to-add-notification-config-to-bucket.html).
- Filter rules: names are "prefix"/"suffix" in any case and values may be empty (S3 API
  Reference, FilterRule: https://docs.aws.amazon.com/AmazonS3/latest/API/API_FilterRule.html);
  moto returned HTTP 500 for "Prefix"/"Suffix" or "" (community.aws sends both). An empty
  value constrains nothing.
- Delivery: events go to the destination's own account (the topic or queue may live in
  another account than the bucket), with the SNS subject "Amazon S3 Notification" (S3 User
  Guide, "Event message structure"). A topic encrypted with SSE-KMS receives S3's events
  only when its key policy lets s3.amazonaws.com use the key (kms:GenerateDataKey* and
  kms:Decrypt); otherwise AWS drops them (SNS Developer Guide, "Enable compatibility between
  event sources from AWS services and encrypted topics",
  https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
- SNS -> SQS: moto delivered into the topic owner's account, so a queue of another account
  never got messages. Delivery now goes to the queue's account; across accounts it needs
  the queue policy to let sns.amazonaws.com SQS:SendMessage with aws:SourceArn = the topic
  (SNS Developer Guide, "Sending Amazon SNS messages to an Amazon SQS queue in a different
  account", https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html).
  Within one account too: the queue policy must let the topic send ("Subscribing an Amazon
  SQS queue to an Amazon SNS topic", step "Give permission to the Amazon SNS topic to send
  messages to the Amazon SQS queue").
- GetBucketNotificationConfiguration returns EventBridgeConfiguration (empty) when the bucket
  sends its events to EventBridge, as AWS does (S3 API Reference,
  GetBucketNotificationConfiguration, response element EventBridgeConfiguration:
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketNotificationConfiguration.html);
  moto stored it but left it out of the response.
- Cross-account Subscribe (e.g. a queue owner subscribing to another account's topic) needs
  the topic policy to allow that account SNS:Subscribe (AuthorizationError otherwise); the
  subscription then belongs to the topic too, so publishing delivers to it and either side
  can unsubscribe (same SNS Developer Guide page). moto kept it in the subscriber's account
  only, where the topic never saw it.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from .. import policy_eval, resources
from ..errors import AwsError

S3_PRINCIPAL = "s3.amazonaws.com"
SNS_PRINCIPAL = "sns.amazonaws.com"
VALIDATION_MESSAGE = "Unable to validate the following destination configurations"
TOPIC_DENIED = "Permissions on the destination topic do not allow S3 to publish notifications from this bucket"
QUEUE_DENIED = "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"
TOPIC_MISSING = "The destination topic does not exist"
QUEUE_MISSING = "The destination queue does not exist"
SUBJECT = "Amazon S3 Notification"
EMPTY_PLACEHOLDER = "radiant-emulator-empty-filter-value"


class DestinationValidationError(Exception):
    """Raised inside moto's S3 handler; turned into AWS's XML error in ``_bucket_response``."""

    def __init__(self, failures: list[tuple[str, str]]):
        super().__init__(VALIDATION_MESSAGE)
        self.failures = failures

    def xml(self) -> str:
        arguments = "".join(
            f"<ArgumentName{i}>{escape(arn)}</ArgumentName{i}><ArgumentValue{i}>{escape(reason)}</ArgumentValue{i}>"
            for i, (arn, reason) in enumerate(self.failures, start=1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>InvalidArgument</Code><Message>{VALIDATION_MESSAGE}</Message>{arguments}"
            "<RequestId>7A62C49F347B4234</RequestId><HostId>radiant-emulator</HostId></Error>"
        )


# -- parsing and validation -------------------------------------------------------------------
def _filter_rules(configuration: dict) -> list[dict]:
    rules = []
    for kind in ("TopicConfiguration", "QueueConfiguration", "CloudFunctionConfiguration"):
        for entry in _as_list(configuration.get(kind)):
            if isinstance(entry, dict):
                rules.extend(_as_list(((entry.get("Filter") or {}).get("S3Key") or {}).get("FilterRule")))
    return rules


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _validate_destinations(bucket, configuration: dict) -> None:
    # A topic's default policy (AWS:* limited by the legacy AWS:SourceOwner) does not let S3 publish.
    context = _source_context(bucket)
    failures: list[tuple[str, str]] = []
    for entry in _as_list(configuration.get("TopicConfiguration")):
        arn = entry.get("Topic")
        topic = resources.find_topic(arn)
        if topic is None:
            failures.append((arn, TOPIC_MISSING))
        elif not policy_eval.allows(topic.policy, S3_PRINCIPAL, "SNS:Publish", arn, context):
            failures.append((arn, TOPIC_DENIED))
    for entry in _as_list(configuration.get("QueueConfiguration")):
        arn = entry.get("Queue")
        queue = resources.find_queue(arn)
        if queue is None:
            failures.append((arn, QUEUE_MISSING))
        elif not policy_eval.allows(_queue_policy(queue), S3_PRINCIPAL, "SQS:SendMessage", arn, context):
            failures.append((arn, QUEUE_DENIED))
    if failures:
        raise DestinationValidationError(failures)


def _queue_policy(queue) -> str | None:
    return getattr(queue, "policy", None) or None


def _key_matches(self, key_name: str) -> bool:
    if "S3Key" not in self.filters:
        return True
    rules = {rule["Name"].lower(): rule.get("Value") or "" for rule in _as_list(self.filters["S3Key"]["FilterRule"])}
    return key_name.startswith(rules.get("prefix", "")) and key_name.endswith(rules.get("suffix", ""))


# -- delivery ----------------------------------------------------------------------------------
def _topic_accepts_s3(topic) -> bool:
    key_ref = getattr(topic, "kms_master_key_id", "")
    if not key_ref:
        return True
    parts = resources.parse_arn(topic.arn)
    key = resources.find_key(key_ref, parts["account"], parts["region"])
    if key is None:
        return False  # includes alias/aws/sns: AWS managed keys cannot grant S3
    context = {"aws:SourceAccount": parts["account"]}
    return all(
        policy_eval.allows(key.policy, S3_PRINCIPAL, action, key.arn, context)
        for action in ("kms:GenerateDataKey", "kms:Decrypt")
    )


def _source_context(bucket) -> dict:
    # S3 sets aws:SourceArn and aws:SourceAccount, not the legacy AWS:SourceOwner.
    return {"aws:SourceArn": f"arn:aws:s3:::{bucket.name}", "aws:SourceAccount": bucket.account_id}


def deliver_to_topic(topic_arn: str, body: dict, bucket=None) -> None:
    """Publish an event, if the topic's policy lets S3 publish for ``bucket`` now: S3 checks it at
    each delivery, not only when the configuration is saved (S3 User Guide, "Granting permissions to
    publish event notification messages to a destination"); a refused event is dropped."""
    from moto.sns.models import sns_backends

    topic = resources.find_topic(topic_arn)
    if topic is None or not _topic_accepts_s3(topic):
        return  # asynchronous in AWS: a failed delivery is not the writer's error
    if bucket is not None and not policy_eval.allows(
        topic.policy, S3_PRINCIPAL, "SNS:Publish", topic_arn, _source_context(bucket)
    ):
        return
    parts = resources.parse_arn(topic_arn)
    try:
        backend = sns_backends[parts["account"]][parts["region"]]
        backend.publish(message=json.dumps(body), arn=topic_arn, subject=SUBJECT)
    except Exception:  # noqa: BLE001 - same reason as above
        pass


def deliver_to_queue(queue_arn: str, body: dict, bucket=None) -> None:
    """Send an event, if the queue's policy lets S3 send for ``bucket`` now (as deliver_to_topic)."""
    from moto.sqs.models import sqs_backends

    parts = resources.parse_arn(queue_arn)
    queue = resources.find_queue(queue_arn) if parts is not None else None
    if queue is None:
        return
    if bucket is not None and not policy_eval.allows(
        _queue_policy(queue), S3_PRINCIPAL, "SQS:SendMessage", queue_arn, _source_context(bucket)
    ):
        return
    try:
        sqs_backends[parts["account"]][parts["region"]].send_message(parts["resource"], json.dumps(body))
    except Exception:  # noqa: BLE001 - asynchronous in AWS
        pass


def _s3_event(event_name, bucket, key, notification_id) -> dict:
    """moto's event record with the key encoded as S3 does: form-encoded ("red flower.jpg" ->
    "red+flower.jpg", S3 user guide "Event message structure") but with "/" kept, as in the
    AWSLogs/<account>/... keys of real CloudTrail and GuardDuty deliveries; moto writes %2F."""
    from urllib.parse import quote_plus

    from moto.s3 import notifications

    body = notifications._get_s3_event(event_name, bucket, key, notification_id)
    for record in body["Records"]:
        record["s3"]["object"]["key"] = quote_plus(key.name, safe="/")
    return body


def send_event(account_id, event_name, bucket, key) -> None:
    from moto.s3 import notifications

    configuration = bucket.notification_configuration
    if configuration is None:
        return
    for notification in configuration.cloud_function:
        if notification.matches(event_name, key.name):
            body = _s3_event(event_name, bucket, key, notification.id)
            region = notification.arn.split(":")[3]
            notifications._invoke_awslambda(account_id, body, notification.arn, region)
    for notification in configuration.queue:
        if notification.matches(event_name, key.name):
            deliver_to_queue(notification.arn, _s3_event(event_name, bucket, key, notification.id), bucket)
    for notification in configuration.topic:
        if notification.matches(event_name, key.name):
            deliver_to_topic(notification.arn, _s3_event(event_name, bucket, key, notification.id), bucket)
    if configuration.event_bridge is not None:
        notifications._send_event_bridge_message(account_id, bucket, event_name, key)


def send_test_event(account_id, bucket) -> None:
    from moto.s3 import notifications

    body = notifications._get_test_event(bucket.name)
    for arn in sorted({n.arn for n in bucket.notification_configuration.queue}):
        deliver_to_queue(arn, body)
    for arn in sorted({n.arn for n in bucket.notification_configuration.topic}):
        deliver_to_topic(arn, body)


def _sns_to_sqs_allowed(subscription) -> bool:
    queue_arn = subscription.endpoint
    parts = resources.parse_arn(queue_arn)
    topic_account = resources.parse_arn(subscription.topic.arn)["account"]
    if parts is None:
        return True
    queue = resources.find_queue(queue_arn)
    context = {"aws:SourceArn": subscription.topic.arn, "aws:SourceAccount": topic_account}
    return queue is not None and policy_eval.allows(
        _queue_policy(queue), SNS_PRINCIPAL, "SQS:SendMessage", queue_arn, context
    )


def _subscription_publish(original):
    def publish(self, *args, **kwargs):
        if self.protocol != "sqs":
            return original(self, *args, **kwargs)
        if not _sns_to_sqs_allowed(self):
            return None
        queue_account = self.endpoint.split(":")[4]
        if queue_account == self.account_id:
            return original(self, *args, **kwargs)
        # moto sends into sqs_backends[self.account_id]: deliver into the queue's account.
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.account_id = queue_account
        return original(clone, *args, **kwargs)

    return publish


def _topic_account(arn: str) -> str | None:
    parts = resources.parse_arn(arn)
    return parts["account"] if parts else None


def _subscribe(original):
    def subscribe(self, topic_arn, endpoint, protocol):
        from moto.sns.models import sns_backends

        from .iam_enforcement import subscribing_caller

        owner = _topic_account(topic_arn)
        who = subscribing_caller.get()
        # A role session or user was authorized with its own identity (iam_enforcement).
        if owner and owner != self.account_id and not (who is not None and who.enforced):
            topic = self.get_topic(topic_arn)
            caller = f"arn:aws:iam::{self.account_id}:root"
            if not policy_eval.allows(topic.policy, caller, "SNS:Subscribe", topic_arn, {}):
                raise AwsError(
                    "AuthorizationError",
                    f"User: {caller} is not authorized to perform: SNS:Subscribe on resource: {topic_arn}",
                )
        subscription = original(self, topic_arn, endpoint, protocol)
        if owner and owner != self.account_id:
            sns_backends[owner][self.region_name].subscriptions[subscription.arn] = subscription
        return subscription

    return subscribe


def _unsubscribe(original):
    def unsubscribe(self, subscription_arn):
        from moto.sns.models import sns_backends

        owner = _topic_account(subscription_arn)
        owner_backend = sns_backends[owner][self.region_name] if owner and owner != self.account_id else None
        subscription = self.subscriptions.get(subscription_arn) or (
            owner_backend.subscriptions.get(subscription_arn) if owner_backend is not None else None
        )
        original(self, subscription_arn)
        if subscription is not None:
            for account in {owner, subscription.account_id} - {self.account_id, None}:
                sns_backends[account][self.region_name].subscriptions.pop(subscription_arn, None)

    return unsubscribe


def install() -> None:
    from moto.s3 import models as s3_models
    from moto.s3 import notifications
    from moto.s3.responses import S3Response
    from moto.sns.models import SNSBackend, Subscription

    if getattr(S3Response, "_radiant_notifications", False):
        return
    original_parse = S3Response._notification_config_from_body

    def _notification_config_from_body(self):
        import xmltodict

        parsed = xmltodict.parse(self.body)
        configuration = parsed.get("NotificationConfiguration")
        if isinstance(configuration, dict):
            for rule in _filter_rules(configuration):
                name = (rule.get("Name") or "").lower()
                if name not in ("prefix", "suffix"):
                    from moto.s3.exceptions import InvalidFilterRuleName

                    raise InvalidFilterRuleName(rule.get("Name"))
                # moto's parser asserts lower-case names and non-empty values.
                rule["Name"], rule["Value"] = name, rule.get("Value") or EMPTY_PLACEHOLDER
            self.body = xmltodict.unparse(parsed)
        result = original_parse(self)
        if result:
            for rule in _filter_rules(result):
                rule["Name"] = rule["Name"].capitalize()
                if rule["Value"] == EMPTY_PLACEHOLDER:
                    rule["Value"] = ""
            _validate_destinations(self.backend.get_bucket(self.bucket_name), result)
        return result

    original_bucket_response = S3Response._bucket_response

    def _bucket_response(self, request, full_url):
        try:
            return original_bucket_response(self, request, full_url)
        except DestinationValidationError as error:
            return 400, {"Content-Type": "application/xml"}, error.xml()

    original_get_notification = S3Response.get_bucket_notification

    def get_bucket_notification(self):
        configuration = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if configuration is None or configuration.event_bridge is None:
            return original_get_notification(self)
        original_serialized = self.serialized

        def serialized(action_result):
            action_result.result["EventBridgeConfiguration"] = {}
            return original_serialized(action_result)

        self.serialized = serialized
        try:
            return original_get_notification(self)
        finally:
            del self.serialized

    S3Response.get_bucket_notification = get_bucket_notification
    S3Response._notification_config_from_body = _notification_config_from_body
    S3Response._bucket_response = _bucket_response
    s3_models.Notification._key_matches = _key_matches
    notifications.send_event = send_event
    notifications.send_test_event = send_test_event
    Subscription.publish = _subscription_publish(Subscription.publish)
    SNSBackend.subscribe = _subscribe(SNSBackend.subscribe)
    SNSBackend.unsubscribe = _unsubscribe(SNSBackend.unsubscribe)
    S3Response._radiant_notifications = True
