"""CloudTrail: organization trails, destination policies, trails by ARN, event selectors."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from shapecheck import check_shape

MANAGEMENT = "123456789012"
REGION = "us-east-1"
SERVICE = "cloudtrail.amazonaws.com"
TRAIL = "management-events"


def trail_arn(name=TRAIL, account=MANAGEMENT, region=REGION):
    return f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"


def bucket_policy(bucket, accounts_or_org_ids, source_arn=None, prefix=""):
    """The CloudTrail user guide's bucket policy: ACL check and one write path per id."""
    condition = {"StringEquals": {"aws:SourceArn": source_arn}} if source_arn else {}
    base = f"arn:aws:s3:::{bucket}/" + (f"{prefix}/" if prefix else "")
    acl = {"s3:x-amz-acl": "bucket-owner-full-control"}
    write_condition = {"StringEquals": {**acl, **condition.get("StringEquals", {})}}
    acl_check_condition = {"Condition": condition} if condition else {}
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": SERVICE},
             "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}", **acl_check_condition},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": SERVICE},
             "Action": "s3:PutObject", "Resource": [f"{base}AWSLogs/{i}/*" for i in accounts_or_org_ids],
             "Condition": write_condition},
        ],
    })


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


@pytest.fixture
def org(aws):
    """Organization: management, log account (owns the bucket), delegated-admin candidate."""
    organizations = aws("organizations")
    org_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    log_account = organizations.create_account(AccountName="log", Email="log@example.test")
    security = organizations.create_account(AccountName="sec", Email="sec@example.test")
    return {
        "org_id": org_id,
        "organizations": organizations,
        "log": log_account["CreateAccountStatus"]["AccountId"],
        "security": security["CreateAccountStatus"]["AccountId"],
    }


@pytest.fixture
def log_bucket(aws, org):
    s3 = aws("s3", account=org["log"])
    s3.create_bucket(Bucket="org-trail-logs")
    return s3


def test_org_trail_needs_trusted_access(aws, org, log_bucket):
    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT, org["org_id"]])
    )
    with pytest.raises(ClientError) as excinfo:
        aws("cloudtrail").create_trail(Name=TRAIL, S3BucketName="org-trail-logs", IsOrganizationTrail=True)
    code, message = error_of(excinfo)
    assert code == "CloudTrailAccessNotEnabledException"
    assert "hasn't enabled CloudTrail service access" in message


def test_org_trail_from_member_or_outsider_refused(aws, org, log_bucket):
    org["organizations"].enable_aws_service_access(ServicePrincipal=SERVICE)
    with pytest.raises(ClientError) as excinfo:
        aws("cloudtrail", account=org["security"]).create_trail(
            Name=TRAIL, S3BucketName="org-trail-logs", IsOrganizationTrail=True
        )
    assert error_of(excinfo)[0] == "NotOrganizationMasterAccountException"
    with pytest.raises(ClientError) as excinfo:
        aws("cloudtrail", account="990000000001").create_trail(
            Name=TRAIL, S3BucketName="org-trail-logs", IsOrganizationTrail=True
        )
    assert error_of(excinfo)[0] == "OrganizationsNotInUseException"


def test_bucket_policy_without_org_path_is_refused_then_accepted(aws, org, log_bucket):
    org["organizations"].enable_aws_service_access(ServicePrincipal=SERVICE)
    cloudtrail = aws("cloudtrail")
    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT], source_arn=trail_arn())
    )
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", IsOrganizationTrail=True)
    assert error_of(excinfo) == (
        "InsufficientS3BucketPolicyException",
        "Incorrect S3 bucket policy is detected for bucket: org-trail-logs",
    )

    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs",
        Policy=bucket_policy("org-trail-logs", [MANAGEMENT, org["org_id"]], source_arn=trail_arn()),
    )
    created = cloudtrail.create_trail(
        Name=TRAIL, S3BucketName="org-trail-logs", IsOrganizationTrail=True, IsMultiRegionTrail=True,
        EnableLogFileValidation=True, TagsList=[{"Key": "owner", "Value": "radiant"}],
    )
    assert check_shape("cloudtrail", "CreateTrail", created) == []
    assert created["TrailARN"] == trail_arn()
    assert created["IsOrganizationTrail"] is True


def test_source_arn_of_another_trail_and_missing_prefix_are_refused(aws, org, log_bucket):
    cloudtrail = aws("cloudtrail")
    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT], source_arn=trail_arn("other"))
    )
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs")
    assert error_of(excinfo)[0] == "InsufficientS3BucketPolicyException"

    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT], source_arn=trail_arn())
    )
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", S3KeyPrefix="cloudtrail")
    assert error_of(excinfo)[0] == "InsufficientS3BucketPolicyException"

    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs",
        Policy=bucket_policy("org-trail-logs", [MANAGEMENT], source_arn=trail_arn(), prefix="cloudtrail"),
    )
    created = cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", S3KeyPrefix="cloudtrail")
    assert created["S3KeyPrefix"] == "cloudtrail"


def test_bucket_without_policy_and_missing_bucket(aws, org, log_bucket):
    cloudtrail = aws("cloudtrail")
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs")
    assert error_of(excinfo)[0] == "InsufficientS3BucketPolicyException"
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name=TRAIL, S3BucketName="no-such-bucket")
    assert error_of(excinfo)[0] == "S3BucketDoesNotExistException"


def _key_policy(account, allow_cloudtrail):
    statements = [{"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                   "Action": "kms:*", "Resource": "*"}]
    if allow_cloudtrail:
        statements.append({
            "Sid": "AllowCloudTrailEncrypt", "Effect": "Allow", "Principal": {"Service": SERVICE},
            "Action": "kms:GenerateDataKey*", "Resource": "*",
            "Condition": {"StringLike": {
                "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{MANAGEMENT}:trail/*",
            }},
        })
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def test_kms_key_policy_is_checked_and_arn_reported(aws, org, log_bucket):
    log_bucket.put_bucket_policy(Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT]))
    kms = aws("kms", account=org["log"])
    key = kms.create_key(Policy=_key_policy(org["log"], allow_cloudtrail=False))["KeyMetadata"]
    cloudtrail = aws("cloudtrail")
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", KmsKeyId=key["Arn"])
    assert error_of(excinfo) == (
        "InsufficientEncryptionPolicyException",
        f"Insufficient permissions to access S3 bucket org-trail-logs or KMS key {key['Arn']}.",
    )
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=_key_policy(org["log"], allow_cloudtrail=True))
    created = cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", KmsKeyId=key["Arn"])
    assert created["KmsKeyId"] == key["Arn"]

    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name="other", S3BucketName="org-trail-logs", KmsKeyId="alias/none")
    assert error_of(excinfo)[0] == "KmsKeyNotFoundException"


def _topic_policy(topic_arn, allow_cloudtrail):
    principal = SERVICE if allow_cloudtrail else "s3.amazonaws.com"
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailSNSPolicy", "Effect": "Allow", "Principal": {"Service": principal},
         "Action": "SNS:Publish", "Resource": topic_arn},
    ]})


def test_sns_topic_by_arn_in_another_account_and_by_name(aws, org, log_bucket):
    log_bucket.put_bucket_policy(Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT]))
    remote_sns = aws("sns", account=org["log"])
    remote_topic = remote_sns.create_topic(Name="cloudtrail-notify")["TopicArn"]
    cloudtrail = aws("cloudtrail")
    remote_sns.set_topic_attributes(TopicArn=remote_topic, AttributeName="Policy",
                                    AttributeValue=_topic_policy(remote_topic, allow_cloudtrail=False))
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", SnsTopicName=remote_topic)
    assert error_of(excinfo) == (
        "InsufficientSnsTopicPolicyException", "SNS Topic does not exist or the topic policy is incorrect!"
    )
    remote_sns.set_topic_attributes(TopicArn=remote_topic, AttributeName="Policy",
                                    AttributeValue=_topic_policy(remote_topic, allow_cloudtrail=True))
    created = cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", SnsTopicName=remote_topic)
    assert created["SnsTopicARN"] == remote_topic
    assert created["SnsTopicName"] == "cloudtrail-notify"

    local_sns = aws("sns")
    local_topic = local_sns.create_topic(Name="local-notify")["TopicArn"]
    local_sns.set_topic_attributes(TopicArn=local_topic, AttributeName="Policy",
                                   AttributeValue=_topic_policy(local_topic, allow_cloudtrail=True))
    updated = cloudtrail.update_trail(Name=TRAIL, SnsTopicName="local-notify")
    assert check_shape("cloudtrail", "UpdateTrail", updated) == []
    assert updated["SnsTopicARN"] == local_topic


def test_delegated_admin_creates_org_trail_and_reaches_it_by_arn(aws, org, log_bucket):
    org["organizations"].enable_aws_service_access(ServicePrincipal=SERVICE)
    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT, org["org_id"]])
    )
    management = aws("cloudtrail")
    registered = management.register_organization_delegated_admin(MemberAccountId=org["security"])
    assert check_shape("cloudtrail", "RegisterOrganizationDelegatedAdmin", registered) == []
    with pytest.raises(ClientError) as excinfo:
        management.register_organization_delegated_admin(MemberAccountId=org["security"])
    assert error_of(excinfo)[0] == "AccountRegisteredException"
    admins = org["organizations"].list_delegated_administrators(ServicePrincipal=SERVICE)["DelegatedAdministrators"]
    assert [admin["Id"] for admin in admins] == [org["security"]]

    delegated = aws("cloudtrail", account=org["security"])
    created = delegated.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", IsOrganizationTrail=True,
                                     IsMultiRegionTrail=True)
    assert created["TrailARN"] == trail_arn()  # owned by the management account

    with pytest.raises(ClientError) as excinfo:
        delegated.get_trail(Name=TRAIL)
    assert error_of(excinfo)[0] == "TrailNotFoundException"
    fetched = delegated.get_trail(Name=trail_arn())
    assert check_shape("cloudtrail", "GetTrail", fetched) == []
    assert fetched["Trail"]["IsOrganizationTrail"] is True
    assert management.get_trail(Name=TRAIL)["Trail"]["TrailARN"] == trail_arn()

    delegated.start_logging(Name=trail_arn())
    status = delegated.get_trail_status(Name=trail_arn())
    assert check_shape("cloudtrail", "GetTrailStatus", status) == []
    assert status["IsLogging"] is True
    delegated.stop_logging(Name=trail_arn())
    assert management.get_trail_status(Name=TRAIL)["IsLogging"] is False

    described = delegated.describe_trails(trailNameList=[trail_arn()])
    assert check_shape("cloudtrail", "DescribeTrails", described) == []
    assert [t["TrailARN"] for t in described["trailList"]] == [trail_arn()]
    # A member account sees the organization trail among its own.
    member_view = aws("cloudtrail", account=org["log"]).describe_trails()["trailList"]
    assert [t["TrailARN"] for t in member_view] == [trail_arn()]

    # The delegated admin may not turn it into a single-account trail.
    with pytest.raises(ClientError) as excinfo:
        delegated.update_trail(Name=trail_arn(), IsOrganizationTrail=False)
    assert error_of(excinfo)[0] == "NotOrganizationMasterAccountException"

    management.deregister_organization_delegated_admin(DelegatedAdminAccountId=org["security"])
    # No longer the delegated administrator: a member account, which may read the organization
    # trail by ARN but not change it.
    with pytest.raises(ClientError) as excinfo:
        delegated.stop_logging(Name=trail_arn())
    assert error_of(excinfo)[0] == "TrailNotFoundException"
    assert delegated.get_trail(Name=trail_arn())["Trail"]["TrailARN"] == trail_arn()


def test_event_selectors_basic_and_advanced(aws, org, log_bucket):
    log_bucket.put_bucket_policy(Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT]))
    cloudtrail = aws("cloudtrail")
    cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs")
    default = cloudtrail.get_event_selectors(TrailName=TRAIL)
    assert check_shape("cloudtrail", "GetEventSelectors", default) == []
    assert default["EventSelectors"][0]["IncludeManagementEvents"] is True
    assert cloudtrail.get_trail(Name=TRAIL)["Trail"]["HasCustomEventSelectors"] is False

    advanced = [
        {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {"Name": "S3 data events", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3"]},
        ]},
    ]
    put = cloudtrail.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=advanced)
    assert check_shape("cloudtrail", "PutEventSelectors", put) == []
    got = cloudtrail.get_event_selectors(TrailName=trail_arn())
    assert got["AdvancedEventSelectors"] == advanced
    assert "EventSelectors" not in got
    assert cloudtrail.get_trail(Name=TRAIL)["Trail"]["HasCustomEventSelectors"] is True

    with pytest.raises(ClientError) as excinfo:
        cloudtrail.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=advanced,
                                       EventSelectors=[{"ReadWriteType": "All"}])
    assert error_of(excinfo)[0] == "InvalidParameterCombinationException"
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=[
            {"FieldSelectors": [{"Field": "bogus", "Equals": ["x"]}]}])
    assert error_of(excinfo)[0] == "InvalidEventSelectorsException"

    cloudtrail.put_event_selectors(TrailName=TRAIL, EventSelectors=[{"ReadWriteType": "WriteOnly"}])
    got = cloudtrail.get_event_selectors(TrailName=TRAIL)
    assert "AdvancedEventSelectors" not in got
    assert got["EventSelectors"][0]["ReadWriteType"] == "WriteOnly"


def test_tags_and_delete(aws, org, log_bucket):
    log_bucket.put_bucket_policy(Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT]))
    cloudtrail = aws("cloudtrail")
    cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", TagsList=[{"Key": "a", "Value": "1"}])
    cloudtrail.add_tags(ResourceId=trail_arn(), TagsList=[{"Key": "b", "Value": "2"}])
    cloudtrail.remove_tags(ResourceId=trail_arn(), TagsList=[{"Key": "a", "Value": "1"}])
    listed = cloudtrail.list_tags(ResourceIdList=[trail_arn()])
    assert check_shape("cloudtrail", "ListTags", listed) == []
    assert listed["ResourceTagList"][0]["TagsList"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs")
    assert error_of(excinfo)[0] == "TrailAlreadyExistsException"

    cloudtrail.delete_trail(Name=trail_arn())
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.delete_trail(Name=TRAIL)
    assert error_of(excinfo)[0] == "TrailNotFoundException"


def test_update_trail_checks_what_it_changes(aws, org, log_bucket):
    org["organizations"].enable_aws_service_access(ServicePrincipal=SERVICE)
    log_bucket.put_bucket_policy(Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT]))
    cloudtrail = aws("cloudtrail")
    cloudtrail.create_trail(Name=TRAIL, S3BucketName="org-trail-logs")
    # Turning it into an organization trail needs the org-id path too.
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.update_trail(Name=TRAIL, IsOrganizationTrail=True)
    assert error_of(excinfo)[0] == "InsufficientS3BucketPolicyException"
    assert cloudtrail.get_trail(Name=TRAIL)["Trail"]["IsOrganizationTrail"] is False
    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT, org["org_id"]])
    )
    assert cloudtrail.update_trail(Name=TRAIL, IsOrganizationTrail=True)["IsOrganizationTrail"] is True
    # A change that does not touch the destinations is not re-validated.
    log_bucket.delete_bucket_policy(Bucket="org-trail-logs")
    updated = cloudtrail.update_trail(Name=TRAIL, EnableLogFileValidation=True)
    assert updated["LogFileValidationEnabled"] is True
    with pytest.raises(ClientError) as excinfo:
        cloudtrail.update_trail(Name=TRAIL, S3KeyPrefix="moved")
    assert error_of(excinfo)[0] == "InsufficientS3BucketPolicyException"


def test_org_trail_needs_all_features(aws):
    organizations = aws("organizations")
    organizations.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    aws("s3").create_bucket(Bucket="org-trail-logs")
    with pytest.raises(ClientError) as excinfo:
        aws("cloudtrail").create_trail(Name=TRAIL, S3BucketName="org-trail-logs", IsOrganizationTrail=True)
    assert error_of(excinfo)[0] == "OrganizationNotInAllFeaturesModeException"


def test_home_region_rules_and_names_in_the_current_region_only(aws, org, log_bucket):
    # API Reference: UpdateTrail, PutEventSelectors, StartLogging, StopLogging, DeleteTrail "must be
    # called from the Region in which the trail was created" (InvalidHomeRegionException);
    # DescribeTrails by name matches only the current Region's and account's trails.
    log_bucket.put_bucket_policy(Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT]))
    home = aws("cloudtrail")
    home.create_trail(Name=TRAIL, S3BucketName="org-trail-logs", IsMultiRegionTrail=True)
    away = aws("cloudtrail", "eu-west-1")
    selectors = [{"ReadWriteType": "All"}]
    calls = [
        lambda ref: away.update_trail(Name=ref, EnableLogFileValidation=True),
        lambda ref: away.put_event_selectors(TrailName=ref, EventSelectors=selectors),
        lambda ref: away.start_logging(Name=ref),
        lambda ref: away.stop_logging(Name=ref),
        lambda ref: away.delete_trail(Name=ref),
    ]
    for call in calls:
        for ref in (TRAIL, trail_arn()):
            with pytest.raises(ClientError) as excinfo:
                call(ref)
            code, message = error_of(excinfo)
            assert code == "InvalidHomeRegionException" and REGION in message
    assert away.describe_trails(trailNameList=[TRAIL])["trailList"] == []
    assert [t["TrailARN"] for t in away.describe_trails(trailNameList=[trail_arn()])["trailList"]] == [trail_arn()]
    assert [t["TrailARN"] for t in home.describe_trails(trailNameList=[TRAIL])["trailList"]] == [trail_arn()]
    home.put_event_selectors(TrailName=TRAIL, EventSelectors=selectors)
    home.delete_trail(Name=TRAIL)


def test_member_account_reads_the_organization_trail_status_by_arn(aws, org, log_bucket):
    org["organizations"].enable_aws_service_access(ServicePrincipal=SERVICE)
    log_bucket.put_bucket_policy(
        Bucket="org-trail-logs", Policy=bucket_policy("org-trail-logs", [MANAGEMENT, org["org_id"]])
    )
    aws("cloudtrail").create_trail(Name=TRAIL, S3BucketName="org-trail-logs", IsOrganizationTrail=True,
                                   IsMultiRegionTrail=True)
    aws("cloudtrail").start_logging(Name=TRAIL)
    member = aws("cloudtrail", account=org["log"])
    assert member.get_trail_status(Name=trail_arn())["IsLogging"] is True
    assert member.get_event_selectors(TrailName=trail_arn())["TrailARN"] == trail_arn()
    with pytest.raises(ClientError) as excinfo:
        member.get_trail_status(Name=TRAIL)  # by name: the member's own trails only
    assert error_of(excinfo)[0] == "TrailNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        member.stop_logging(Name=trail_arn())  # read, never change
    assert error_of(excinfo)[0] == "TrailNotFoundException"
