"""Publishing destinations check the real bucket and key policies; sample findings are
exported into the bucket and fire its event notifications (S3 -> SNS -> SQS)."""

from __future__ import annotations

import gzip
import json
import re
from urllib.parse import unquote_plus

import botocore.exceptions
import pytest
from guardduty_helpers import BUCKET, MANAGEMENT, bucket_policy, key_policy

PERMISSION_DENIED = (
    "The request failed because the input destinationArn or kmsKeyArn does not have proper permissions "
    "for the given KMS or destination."
)


@pytest.fixture
def export_setup(aws):
    gd = aws("guardduty")
    detector_id = gd.create_detector(Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES")["DetectorId"]
    detector_arn = f"arn:aws:guardduty:us-east-1:{MANAGEMENT}:detector/{detector_id}"
    s3 = aws("s3")
    s3.create_bucket(Bucket=BUCKET)
    kms = aws("kms")
    key_arn = kms.create_key(Description="guardduty findings")["KeyMetadata"]["Arn"]
    return {"gd": gd, "detector_id": detector_id, "detector_arn": detector_arn, "s3": s3, "kms": kms, "key": key_arn}


def _create(setup, destination_arn=f"arn:aws:s3:::{BUCKET}"):
    return setup["gd"].create_publishing_destination(
        DetectorId=setup["detector_id"],
        DestinationType="S3",
        DestinationProperties={"DestinationArn": destination_arn, "KmsKeyArn": setup["key"]},
    )


def _refused(setup, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        _create(setup, **kwargs)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_destination_refused_without_policies_then_accepted_with_them(export_setup):
    setup = export_setup
    assert _refused(setup) == ("BadRequestException", PERMISSION_DENIED)
    # Bucket policy alone is not enough: the key policy must let GuardDuty generate data keys.
    setup["s3"].put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [setup["detector_arn"]]))
    assert _refused(setup) == ("BadRequestException", PERMISSION_DENIED)
    # A key policy naming another detector does not count (aws:SourceArn is evaluated).
    other = setup["detector_arn"].replace(setup["detector_id"], "0" * 32)
    setup["kms"].put_key_policy(KeyId=setup["key"], PolicyName="default", Policy=key_policy([other]))
    assert _refused(setup) == ("BadRequestException", PERMISSION_DENIED)
    setup["kms"].put_key_policy(KeyId=setup["key"], PolicyName="default", Policy=key_policy([setup["detector_arn"]]))
    destination_id = _create(setup)["DestinationId"]

    def describe():
        return setup["gd"].describe_publishing_destination(
            DetectorId=setup["detector_id"], DestinationId=destination_id
        )

    # Verified in the background: PENDING_VERIFICATION first, then PUBLISHING.
    assert describe()["Status"] == "PENDING_VERIFICATION"
    described = describe()
    assert described["Status"] == "PUBLISHING"
    assert described["DestinationProperties"] == {"DestinationArn": f"arn:aws:s3:::{BUCKET}", "KmsKeyArn": setup["key"]}
    listed = setup["gd"].list_publishing_destinations(DetectorId=setup["detector_id"])["Destinations"]
    assert listed == [{"DestinationId": destination_id, "DestinationType": "S3", "Status": "PUBLISHING"}]
    # Policies changed behind GuardDuty's back: it can no longer publish.
    setup["s3"].delete_bucket_policy(Bucket=BUCKET)
    described = setup["gd"].describe_publishing_destination(
        DetectorId=setup["detector_id"], DestinationId=destination_id
    )
    assert described["Status"] == "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY"
    assert described["PublishingFailureStartTimestamp"] > 0


def test_prefix_must_be_covered_by_the_bucket_policy(export_setup):
    setup = export_setup
    setup["kms"].put_key_policy(KeyId=setup["key"], PolicyName="default", Policy=key_policy([setup["detector_arn"]]))
    setup["s3"].put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [setup["detector_arn"]], "other"))
    assert _refused(setup, destination_arn=f"arn:aws:s3:::{BUCKET}/guardduty/") == (
        "BadRequestException",
        PERMISSION_DENIED,
    )
    setup["s3"].put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [setup["detector_arn"]], "guardduty"))
    assert _create(setup, destination_arn=f"arn:aws:s3:::{BUCKET}/guardduty/")["DestinationId"]


def test_bucket_and_key_must_exist_in_the_same_region(export_setup, aws):
    setup = export_setup
    setup["s3"].put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [setup["detector_arn"]]))
    west_key = aws("kms", "us-west-2").create_key(Policy=key_policy([setup["detector_arn"]]))["KeyMetadata"]["Arn"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        setup["gd"].create_publishing_destination(
            DetectorId=setup["detector_id"],
            DestinationType="S3",
            DestinationProperties={"DestinationArn": f"arn:aws:s3:::{BUCKET}", "KmsKeyArn": west_key},
        )
    assert excinfo.value.response["Error"]["Message"] == PERMISSION_DENIED
    assert _refused(setup, destination_arn="arn:aws:s3:::no-such-bucket") == ("BadRequestException", PERMISSION_DENIED)


def test_update_and_delete_destination(export_setup):
    setup = export_setup
    setup["s3"].put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [setup["detector_arn"]]))
    setup["kms"].put_key_policy(KeyId=setup["key"], PolicyName="default", Policy=key_policy([setup["detector_arn"]]))
    destination_id = _create(setup)["DestinationId"]
    other_key = setup["kms"].create_key()["KeyMetadata"]["Arn"]  # default policy: GuardDuty not allowed
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        setup["gd"].update_publishing_destination(
            DetectorId=setup["detector_id"],
            DestinationId=destination_id,
            DestinationProperties={"KmsKeyArn": other_key},
        )
    assert excinfo.value.response["Error"]["Message"] == PERMISSION_DENIED
    setup["kms"].put_key_policy(KeyId=other_key, PolicyName="default", Policy=key_policy([setup["detector_arn"]]))
    setup["gd"].update_publishing_destination(
        DetectorId=setup["detector_id"], DestinationId=destination_id, DestinationProperties={"KmsKeyArn": other_key}
    )
    described = setup["gd"].describe_publishing_destination(
        DetectorId=setup["detector_id"], DestinationId=destination_id
    )
    assert described["DestinationProperties"]["KmsKeyArn"] == other_key
    setup["gd"].delete_publishing_destination(DetectorId=setup["detector_id"], DestinationId=destination_id)
    assert setup["gd"].list_publishing_destinations(DetectorId=setup["detector_id"])["Destinations"] == []


def test_sample_findings_land_in_the_bucket_and_reach_sqs_through_sns(export_setup, aws):
    setup = export_setup
    setup["s3"].put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [setup["detector_arn"]], "gd"))
    setup["kms"].put_key_policy(KeyId=setup["key"], PolicyName="default", Policy=key_policy([setup["detector_arn"]]))
    _create(setup, destination_arn=f"arn:aws:s3:::{BUCKET}/gd")
    sns, sqs = aws("sns"), aws("sqs")
    topic_arn = sns.create_topic(Name="guardduty-s3-radiantsecurity")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName="Policy",
        AttributeValue=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "SNS:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": MANAGEMENT},
                              "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{BUCKET}"}},
            }],
        }),
    )  # fmt: skip
    queue_url = sqs.create_queue(QueueName="radiant-findings")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                       "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}],
    })})  # fmt: skip
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    setup["s3"].put_bucket_notification_configuration(
        Bucket=BUCKET,
        NotificationConfiguration={"TopicConfigurations": [{"TopicArn": topic_arn, "Events": ["s3:ObjectCreated:*"]}]},
    )
    setup["gd"].create_sample_findings(
        DetectorId=setup["detector_id"], FindingTypes=["Recon:EC2/PortProbeUnprotectedPort"]
    )

    [finding_id] = setup["gd"].list_findings(DetectorId=setup["detector_id"])["FindingIds"]
    [finding] = setup["gd"].get_findings(DetectorId=setup["detector_id"], FindingIds=[finding_id])["Findings"]
    assert finding["Type"] == "Recon:EC2/PortProbeUnprotectedPort" and finding["AccountId"] == MANAGEMENT

    [obj] = setup["s3"].list_objects_v2(Bucket=BUCKET)["Contents"]
    assert re.fullmatch(
        rf"gd/AWSLogs/{MANAGEMENT}/GuardDuty/us-east-1/\d{{4}}/\d{{2}}/\d{{2}}/[0-9a-f-]{{36}}\.jsonl\.gz", obj["Key"]
    )
    head = setup["s3"].head_object(Bucket=BUCKET, Key=obj["Key"])
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == setup["key"]
    body = setup["s3"].get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
    [line] = gzip.decompress(body).decode().splitlines()
    assert json.loads(line)["id"] == finding_id

    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    events = [json.loads(json.loads(m["Body"])["Message"]) for m in messages]
    # Event notification keys are URL-encoded (S3 user guide, "Event message structure").
    keys = [unquote_plus(record["s3"]["object"]["key"]) for event in events for record in event.get("Records", [])]
    assert obj["Key"] in keys


def test_no_export_without_a_destination_and_findings_filter(export_setup):
    setup = export_setup
    setup["gd"].create_sample_findings(DetectorId=setup["detector_id"])
    assert "Contents" not in setup["s3"].list_objects_v2(Bucket=BUCKET)
    ids = setup["gd"].list_findings(DetectorId=setup["detector_id"])["FindingIds"]
    assert len(ids) == 5
    recon = setup["gd"].list_findings(
        DetectorId=setup["detector_id"],
        FindingCriteria={"Criterion": {"type": {"Eq": ["Recon:EC2/PortProbeUnprotectedPort"]}}},
    )["FindingIds"]
    assert len(recon) == 1


def test_tags_on_detector_and_destination(export_setup):
    setup = export_setup
    gd, arn = setup["gd"], setup["detector_arn"]
    gd.tag_resource(ResourceArn=arn, Tags={"team": "security", "env": "prod"})
    gd.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert gd.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "security"}
    assert gd.get_detector(DetectorId=setup["detector_id"])["Tags"] == {"team": "security"}
    with pytest.raises(botocore.exceptions.ClientError):
        gd.list_tags_for_resource(ResourceArn=arn.replace(MANAGEMENT, "210987654321"))


def test_member_account_exports_to_the_log_account_bucket(aws, sample_org):
    """The per-account export of docs/requirements.md#per-account-export: every account's detector exports to the main
    account's bucket, whose policies list each detector ARN under ForAnyValue:StringEquals aws:SourceArn."""
    log = sample_org["log_account"]["id"]
    member = sample_org["members"][0]["id"]
    member_gd = aws("guardduty", account=member)
    member_detector = member_gd.create_detector(Enable=True)["DetectorId"]
    member_arn = f"arn:aws:guardduty:us-east-1:{member}:detector/{member_detector}"
    other_arn = f"arn:aws:guardduty:us-east-1:{sample_org['members'][1]['id']}:detector/{'1' * 32}"
    s3, kms = aws("s3", account=log), aws("kms", account=log)
    s3.create_bucket(Bucket=BUCKET)
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    service = {"Service": "guardduty.amazonaws.com"}
    any_detector = {"ForAnyValue:StringEquals": {"aws:SourceArn": [other_arn, member_arn]}}
    s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Allow PutObject All GuardDuty", "Effect": "Allow", "Principal": service,
                 "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/*", "Condition": any_detector},
                {"Sid": "Allow GetBucketLocation All GuardDuty", "Effect": "Allow", "Principal": service,
                 "Action": "s3:GetBucketLocation", "Resource": f"arn:aws:s3:::{BUCKET}", "Condition": any_detector},
            ],
        }),
    )  # fmt: skip
    kms.put_key_policy(
        KeyId=key_arn,
        PolicyName="default",
        Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Allow GuardDuty to encrypt findings All Accounts", "Effect": "Allow", "Principal": service,
                 "Action": "kms:GenerateDataKey", "Resource": "*", "Condition": any_detector},
            ],
        }),
    )  # fmt: skip

    def create(destination_arn):
        return member_gd.create_publishing_destination(
            DetectorId=member_detector,
            DestinationType="S3",
            DestinationProperties={"DestinationArn": destination_arn, "KmsKeyArn": key_arn},
        )

    # A prefix folder in another account's bucket must already exist (DESIGN, aws-cli issue 10483).
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        create(f"arn:aws:s3:::{BUCKET}/guardduty")
    assert (
        excinfo.value.response["Error"]["Message"] == "The request failed because the resource folder does not exist."
    )
    s3.put_object(Bucket=BUCKET, Key="guardduty/", Body=b"")
    create(f"arn:aws:s3:::{BUCKET}/guardduty")
    member_gd.create_sample_findings(DetectorId=member_detector, FindingTypes=["Recon:EC2/PortProbeUnprotectedPort"])
    keys = [obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET, Prefix="guardduty/AWSLogs/")["Contents"]]
    assert len(keys) == 1 and keys[0].startswith(f"guardduty/AWSLogs/{member}/GuardDuty/us-east-1/")


def test_opt_in_region_needs_the_regional_service_principal(aws):
    region = "af-south-1"  # disabled by default: GuardDuty writes as guardduty.af-south-1.amazonaws.com
    gd = aws("guardduty", region)
    detector_id = gd.create_detector(Enable=True)["DetectorId"]
    detector_arn = f"arn:aws:guardduty:{region}:{MANAGEMENT}:detector/{detector_id}"
    s3, kms = aws("s3", region), aws("kms", region)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    key_arn = kms.create_key(Policy=key_policy([detector_arn]))["KeyMetadata"]["Arn"]
    s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [detector_arn]))

    def create():
        return gd.create_publishing_destination(
            DetectorId=detector_id,
            DestinationType="S3",
            DestinationProperties={"DestinationArn": f"arn:aws:s3:::{BUCKET}", "KmsKeyArn": key_arn},
        )

    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        create()
    assert excinfo.value.response["Error"]["Message"] == PERMISSION_DENIED
    regional = {"Service": f"guardduty.{region}.amazonaws.com"}
    bucket = json.loads(bucket_policy(BUCKET, [detector_arn]))
    key = json.loads(key_policy([detector_arn]))
    for statement in bucket["Statement"] + key["Statement"]:
        if statement["Principal"] == {"Service": "guardduty.amazonaws.com"}:
            statement["Principal"] = regional
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(bucket))
    kms.put_key_policy(KeyId=key_arn, PolicyName="default", Policy=json.dumps(key))
    assert create()["DestinationId"]


def test_organization_wide_policy_admits_members_by_source_org_id_and_not_outsiders(aws):
    """aws:SourceOrgID (IAM user guide, "AWS global condition context keys") is the detector
    owner's organization id: a policy naming it admits every organization account's detector
    and no detector of an account outside the organization."""
    org = aws("organizations")
    organization_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    member = org.create_account(AccountName="m", Email="m@example.test")["CreateAccountStatus"]["AccountId"]
    outsider = "990000000001"
    aws("s3").create_bucket(Bucket=BUCKET)
    kms = aws("kms")
    key_arn = kms.create_key(Description="guardduty findings")["KeyMetadata"]["Arn"]
    by_org = {"StringEquals": {"aws:SourceOrgID": organization_id}}
    service = {"Service": "guardduty.amazonaws.com"}
    aws("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": service, "Action": "s3:GetBucketLocation",
         "Resource": f"arn:aws:s3:::{BUCKET}", "Condition": by_org},
        {"Effect": "Allow", "Principal": service, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{BUCKET}/*", "Condition": by_org},
    ]}))  # fmt: skip
    kms.put_key_policy(KeyId=key_arn, PolicyName="default", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": service, "Action": "kms:GenerateDataKey", "Resource": "*",
         "Condition": by_org},
    ]}))  # fmt: skip
    properties = {"DestinationArn": f"arn:aws:s3:::{BUCKET}", "KmsKeyArn": key_arn}

    def create(account):
        gd = aws("guardduty", account=account)
        detector_id = gd.create_detector(Enable=True)["DetectorId"]
        return gd.create_publishing_destination(
            DetectorId=detector_id, DestinationType="S3", DestinationProperties=properties
        )

    assert create(MANAGEMENT)["DestinationId"]
    assert create(member)["DestinationId"]
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        create(outsider)
    assert excinfo.value.response["Error"]["Message"] == PERMISSION_DENIED
