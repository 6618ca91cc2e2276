"""S3 event notifications: destination validation at save time, filter rules, delivery
to SNS and SQS (also in other accounts), SNS -> SQS across accounts, encrypted topics."""

from __future__ import annotations

import json
from urllib.parse import unquote_plus

import pytest
from botocore.exceptions import ClientError
from shapecheck import check_shape

OWNER = "123456789012"
OTHER = "222233334444"
BUCKET = "guardduty-findings"


def topic_policy(topic_arn, source_account=OWNER, bucket=BUCKET):
    """The guide's example topic policy (docs/requirements.md#sns-wiring), second statement: s3 may publish with
    SourceAccount and ArnLike SourceArn."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": {"StringEquals": {"aws:SourceAccount": source_account},
                      "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
    }]})


def queue_policy(queue_arn, principal, source_arn):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": principal}, "Action": "sqs:SendMessage",
        "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}},
    }]})


@pytest.fixture
def bucket(aws):
    s3 = aws("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


def _topic(aws, name="findings", account=None, policy=True, bucket_name=BUCKET):
    sns = aws("sns", account=account)
    arn = sns.create_topic(Name=name)["TopicArn"]
    if policy:
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=topic_policy(arn, OWNER,
                                                                                                   bucket_name))
    return sns, arn


def _queue(aws, name, account=None):
    sqs = aws("sqs", account=account)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def _topic_to_queue_in_another_account(aws):
    """The findings topic, subscribed by a queue of another account whose policy lets the topic send."""
    sns, topic_arn = _topic(aws)
    sqs, url, queue_arn = _queue(aws, "radiant-queue", account=OTHER)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(
        queue_arn, "sns.amazonaws.com", topic_arn)})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return sns, topic_arn, sqs, url


def _notify_topic(s3, topic_arn, rules=None):
    config = {"Id": "guardduty-new-finding", "TopicArn": topic_arn, "Events": ["s3:ObjectCreated:*"]}
    if rules is not None:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    return s3.put_bucket_notification_configuration(
        Bucket=BUCKET, NotificationConfiguration={"TopicConfigurations": [config]}
    )


def _s3_events(sqs, url):
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    events = []
    for message in messages:
        body = json.loads(message["Body"])
        payload = json.loads(body["Message"]) if "Message" in body else body
        events.extend(payload.get("Records", []))
    return [unquote_plus(record["s3"]["object"]["key"]) for record in events]


def test_topic_without_policy_is_refused_with_aws_error(aws, bucket):
    _sns, arn = _topic(aws, policy=False)
    with pytest.raises(ClientError) as excinfo:
        _notify_topic(bucket, arn)
    error = excinfo.value.response["Error"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (error["Code"], error["Message"]) == (
        "InvalidArgument", "Unable to validate the following destination configurations"
    )
    assert error["ArgumentName1"] == arn
    assert "do not allow S3 to publish notifications from this bucket" in error["ArgumentValue1"]
    assert "TopicConfigurations" not in bucket.get_bucket_notification_configuration(Bucket=BUCKET)


def test_topic_policy_for_another_account_or_missing_topic_is_refused(aws, bucket):
    sns, arn = _topic(aws, policy=False)
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=topic_policy(arn, "999999999999"))
    with pytest.raises(ClientError) as excinfo:
        _notify_topic(bucket, arn)
    assert excinfo.value.response["Error"]["Code"] == "InvalidArgument"
    with pytest.raises(ClientError) as excinfo:
        _notify_topic(bucket, f"arn:aws:sns:us-east-1:{OWNER}:no-such-topic")
    assert excinfo.value.response["Error"]["ArgumentValue1"] == "The destination topic does not exist"


def test_capitalised_and_empty_filter_rules_are_accepted_and_returned(aws, bucket):
    _sns, arn = _topic(aws)
    rules = [{"Name": "Prefix", "Value": ""}, {"Name": "Suffix", "Value": ""}]
    response = _notify_topic(bucket, arn, rules)
    assert check_shape("s3", "PutBucketNotificationConfiguration", response) == []
    current = bucket.get_bucket_notification_configuration(Bucket=BUCKET)
    # AWS returns "Prefix"/"Suffix" whatever was sent, although botocore's enum says lower case
    # (https://github.com/aws/aws-sdk/issues/389); that is the only deviation from the shape.
    problems = check_shape("s3", "GetBucketNotificationConfiguration", current)
    assert [p for p in problems if "is not one of the enum FilterRuleName" not in p] == []
    assert len(problems) == 2
    [config] = current["TopicConfigurations"]
    assert config["Filter"]["Key"]["FilterRules"] == rules  # what community.aws compares against
    assert config["Events"] == ["s3:ObjectCreated:*"]

    with pytest.raises(ClientError) as excinfo:
        _notify_topic(bucket, arn, [{"Name": "middle", "Value": "x"}])
    assert excinfo.value.response["Error"]["Code"] == "InvalidArgument"


def test_eventbridge_delivery_is_returned_with_the_other_notifications(aws, bucket):
    _sns, arn = _topic(aws)
    config = {"Id": "guardduty-new-finding", "TopicArn": arn, "Events": ["s3:ObjectCreated:*"]}
    bucket.put_bucket_notification_configuration(
        Bucket=BUCKET, NotificationConfiguration={"TopicConfigurations": [config], "EventBridgeConfiguration": {}})
    current = bucket.get_bucket_notification_configuration(Bucket=BUCKET)
    assert check_shape("s3", "GetBucketNotificationConfiguration", current) == []
    assert current["EventBridgeConfiguration"] == {}
    assert [c["Id"] for c in current["TopicConfigurations"]] == ["guardduty-new-finding"]

    bucket.put_bucket_notification_configuration(Bucket=BUCKET,
                                                 NotificationConfiguration={"TopicConfigurations": [config]})
    assert "EventBridgeConfiguration" not in bucket.get_bucket_notification_configuration(Bucket=BUCKET)


def test_object_created_reaches_sns_then_sqs_in_another_account(aws, bucket):
    _sns, topic_arn, sqs, url = _topic_to_queue_in_another_account(aws)
    _notify_topic(bucket, topic_arn, [{"Name": "Prefix", "Value": "AWSLogs/"}, {"Name": "Suffix", "Value": ""}])
    sqs.purge_queue(QueueUrl=url)  # drop S3's test event

    bucket.put_object(Bucket=BUCKET, Key="AWSLogs/123456789012/GuardDuty/finding 1.jsonl.gz", Body=b"{}")
    bucket.put_object(Bucket=BUCKET, Key="elsewhere/ignored.txt", Body=b"{}")
    assert _s3_events(sqs, url) == ["AWSLogs/123456789012/GuardDuty/finding 1.jsonl.gz"]


def test_event_keys_are_form_encoded_but_keep_their_slashes(aws, bucket):
    sqs, url, queue_arn = _queue(aws, "raw-keys")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(
        queue_arn, "s3.amazonaws.com", f"arn:aws:s3:::{BUCKET}")})
    bucket.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]})
    sqs.purge_queue(QueueUrl=url)
    bucket.put_object(Bucket=BUCKET, Key="AWSLogs/123456789012/red flower.json", Body=b"{}")
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    [record] = json.loads(message["Body"])["Records"]
    assert record["s3"]["object"]["key"] == "AWSLogs/123456789012/red+flower.json"


@pytest.mark.parametrize("queue_account, name", [(OTHER, "cross-account"), (None, "same-account")])
def test_sns_to_sqs_needs_the_queue_policy_in_any_account(aws, queue_account, name):
    sns = aws("sns")
    topic_arn = sns.create_topic(Name=f"{name}-plain")["TopicArn"]
    sqs, url, queue_arn = _queue(aws, f"{name}-no-policy", account=queue_account)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic_arn, Message="dropped")
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []

    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(
        queue_arn, "sns.amazonaws.com", topic_arn)})
    sns.publish(TopicArn=topic_arn, Message="delivered")
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert json.loads(message["Body"])["Message"] == "delivered"


def test_queue_destination_validated_and_delivered_across_accounts(aws, bucket):
    sqs, url, queue_arn = _queue(aws, "s3-events", account=OTHER)
    with pytest.raises(ClientError) as excinfo:
        bucket.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:Put"]}]})
    assert "destination queue do not allow" in excinfo.value.response["Error"]["ArgumentValue1"]

    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(
        queue_arn, "s3.amazonaws.com", f"arn:aws:s3:::{BUCKET}")})
    bucket.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:Put"]}]})
    sqs.purge_queue(QueueUrl=url)
    bucket.put_object(Bucket=BUCKET, Key="k.json", Body=b"{}")
    assert _s3_events(sqs, url) == ["k.json"]


def _key_policy(allow_s3):
    statements = [{"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
                   "Action": "kms:*", "Resource": "*"}]
    if allow_s3:
        statements.append({"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                           "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def test_encrypted_topic_receives_s3_events_only_when_key_allows_s3(aws, bucket):
    kms = aws("kms")
    key_id = kms.create_key(Policy=_key_policy(allow_s3=False))["KeyMetadata"]["KeyId"]
    sns, topic_arn = _topic(aws)
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="KmsMasterKeyId", AttributeValue=key_id)
    sqs, url, queue_arn = _queue(aws, "same-account")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(
        queue_arn, "sns.amazonaws.com", topic_arn)})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    _notify_topic(bucket, topic_arn)
    sqs.purge_queue(QueueUrl=url)

    bucket.put_object(Bucket=BUCKET, Key="first.json", Body=b"{}")
    assert _s3_events(sqs, url) == []
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=_key_policy(allow_s3=True))
    bucket.put_object(Bucket=BUCKET, Key="second.json", Body=b"{}")
    assert _s3_events(sqs, url) == ["second.json"]


def test_queue_owner_subscribes_across_accounts_when_topic_policy_allows(aws):
    sns = aws("sns")
    topic_arn = sns.create_topic(Name="shared")["TopicArn"]
    sqs, url, queue_arn = _queue(aws, "subscriber", account=OTHER)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(
        queue_arn, "sns.amazonaws.com", topic_arn)})
    subscriber_sns = aws("sns", account=OTHER)
    with pytest.raises(ClientError) as excinfo:  # the default topic policy admits the owner only
        subscriber_sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    assert excinfo.value.response["Error"]["Code"] == "AuthorizationError"

    sns.add_permission(TopicArn=topic_arn, Label="radiant-subscribe", AWSAccountId=[OTHER], ActionName=["Subscribe"])
    subscription = subscriber_sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    assert check_shape("sns", "Subscribe", subscription) == []
    by_topic = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [s["Endpoint"] for s in by_topic] == [queue_arn]
    sns.publish(TopicArn=topic_arn, Message="cross-account")
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert json.loads(message["Body"])["Message"] == "cross-account"

    subscriber_sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
    assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == []


def test_events_stop_when_the_topic_policy_no_longer_lets_s3_publish(aws, bucket):
    # S3 checks the destination's policy at every delivery, not only when the configuration is
    # saved: a policy weakened afterwards drops the events.
    sns, topic_arn, sqs, url = _topic_to_queue_in_another_account(aws)
    _notify_topic(bucket, topic_arn)
    sqs.purge_queue(QueueUrl=url)
    bucket.put_object(Bucket=BUCKET, Key="AWSLogs/first.jsonl.gz", Body=b"{}")
    assert _s3_events(sqs, url) == ["AWSLogs/first.jsonl.gz"]
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="Policy", AttributeValue=topic_policy(
        topic_arn, OWNER, "another-bucket"))
    bucket.put_object(Bucket=BUCKET, Key="AWSLogs/second.jsonl.gz", Body=b"{}")
    assert _s3_events(sqs, url) == []
