from ansible_collections.radiant.aws_onboarding.plugins.filter.radiant_policy import FilterModule
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.radiant_policies import sns_subscriber_queue_policy

QUEUE = "arn:aws:sqs:us-east-1:111122223333:radiant-integration-test-1"
TOPIC = "arn:aws:sns:us-east-1:111122223333:guardduty-s3-radiantsecurity"


def test_only_the_named_topic_may_send_to_the_queue():
    policy = sns_subscriber_queue_policy(QUEUE, TOPIC)
    assert policy["Version"] == "2012-10-17"
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == QUEUE
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": TOPIC}}


def test_the_filter_builds_it_by_name():
    build = FilterModule().filters()["radiant_policy"]
    built = build("sns_subscriber_queue_policy", queue_arn=QUEUE, topic_arn=TOPIC)
    assert built == sns_subscriber_queue_policy(QUEUE, TOPIC)
