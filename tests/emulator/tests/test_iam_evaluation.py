"""IAM evaluation of role sessions (iam_identity, extensions/assume_role, extensions/iam_enforcement):
sts:AssumeRole against the trust policy (sts:ExternalId) and the caller's identity policy,
S3 GetObject (with SSE-KMS), KMS Decrypt and SNS Subscribe against the identity policy and the
bucket / key / topic policy, the vendor role sessions of the control API, and CloudTrail's log
delivery with its notification. Each would pass on moto's own behaviour, which allowed all."""

from __future__ import annotations

import gzip
import json
import time
import urllib.error

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

VENDOR_ROLE = "arn:aws:iam::649384204969:role/tenant-aws-access-role"
VENDOR_SESSION = "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security"
CUSTOMER = "123456789012"
OTHER = "111122223333"
EXTERNAL_ID = "rs-credential-0001"
# IAM propagation in these tests (realism iam_propagation_seconds): short, and waited for after
# each CreateRole as a careful script does; test_a_new_or_changed_trust_is_refused_until_iam_propagates
# checks the delay itself.
PROPAGATION = 0.2


@pytest.fixture(autouse=True)
def short_iam_propagation(clean_emulator):
    before = clean_emulator.control("GET", "realism")
    clean_emulator.control("PUT", "realism", {"iam_propagation_seconds": PROPAGATION})
    yield
    clean_emulator.control("PUT", "realism", before)


def _doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _client(url, service, credentials):
    return boto3.client(
        service, region_name="us-east-1", endpoint_url=url,
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials.get("SessionToken"), config=Config(retries={"max_attempts": 1}),
    )


def _vendor(emulator, policy):
    return emulator.control("POST", "role-sessions", {
        "role_arn": VENDOR_ROLE, "session_name": "radiant-security", "policy": policy})


def _role(aws, account, name, trust, policy=None):
    iam = aws("iam", account=account)
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    time.sleep(PROPAGATION)
    return f"arn:aws:iam::{account}:role/{name}"


def _session(aws, account, name, policy, url):
    """A session of a new role in ``account`` (trusting the account) with ``policy``."""
    trust = _doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"})
    arn = _role(aws, account, name, trust, policy)
    sts = aws("sts", account=account)
    return sts.assume_role(RoleArn=arn, RoleSessionName="test")["Credentials"]


def _as(aws, emulator, service, account, name, policy):
    return _client(emulator.url, service, _session(aws, account, name, policy, emulator.url))


def _denied(call, code):
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == code, caught.value.response
    return caught.value.response["Error"]["Message"]


def _radiant_trust():
    return _doc({"Effect": "Allow", "Principal": {"AWS": VENDOR_SESSION}, "Action": "sts:AssumeRole",
                 "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}})


def test_role_session_control_api_acts_as_exactly_that_session(clean_emulator):
    credentials = _vendor(clean_emulator, _doc(_allow("sts:AssumeRole")))
    assert credentials["Arn"] == VENDOR_SESSION
    identity = _client(clean_emulator.url, "sts", credentials).get_caller_identity()
    assert (identity["Arn"], identity["Account"]) == (VENDOR_SESSION, "649384204969")
    with pytest.raises(urllib.error.HTTPError) as caught:
        clean_emulator.control("POST", "role-sessions", {"role_arn": "tenant", "session_name": "x1"})
    assert caught.value.code == 400 and "role_arn" in json.loads(caught.value.read())["error"]


def test_assume_role_checks_the_external_id_of_the_trust_policy(aws, clean_emulator):
    role_arn = _role(aws, CUSTOMER, "radiant-aws-access-role", _radiant_trust())
    sts = _client(clean_emulator.url, "sts", _vendor(clean_emulator, _doc(_allow("sts:AssumeRole"))))
    session = sts.assume_role(RoleArn=role_arn, RoleSessionName="radiant", ExternalId=EXTERNAL_ID)
    expected = f"arn:aws:sts::{CUSTOMER}:assumed-role/radiant-aws-access-role/radiant"
    assert session["AssumedRoleUser"]["Arn"] == expected
    wrong = {"RoleArn": role_arn, "RoleSessionName": "rs", "ExternalId": "wrong"}
    message = _denied(lambda: sts.assume_role(**wrong), "AccessDenied")
    assert message == f"User: {VENDOR_SESSION} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    _denied(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="rs"), "AccessDenied")


def test_a_new_or_changed_trust_is_refused_until_iam_propagates(aws, clean_emulator):
    clean_emulator.control("PUT", "realism", {"iam_propagation_seconds": 1.0})
    sts = _client(clean_emulator.url, "sts", _vendor(clean_emulator, _doc(_allow("sts:AssumeRole"))))
    iam = aws("iam", account=CUSTOMER)
    iam.create_role(RoleName="fresh", AssumeRolePolicyDocument=json.dumps(_radiant_trust()))
    role_arn = f"arn:aws:iam::{CUSTOMER}:role/fresh"
    request = {"RoleArn": role_arn, "RoleSessionName": "radiant", "ExternalId": EXTERNAL_ID}
    message = _denied(lambda: sts.assume_role(**request), "AccessDenied")
    assert message == f"User: {VENDOR_SESSION} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    time.sleep(1.05)
    assert sts.assume_role(**request)["AssumedRoleUser"]["Arn"].endswith(":assumed-role/fresh/radiant")
    # A replaced trust policy propagates the same way, even when it still allows the caller.
    iam.update_assume_role_policy(RoleName="fresh", PolicyDocument=json.dumps(_radiant_trust()))
    _denied(lambda: sts.assume_role(**request), "AccessDenied")
    time.sleep(1.05)
    assert sts.assume_role(**request)
    # With realism off the trust applies at once (debugging only).
    clean_emulator.control("PUT", "realism", {"enabled": False})
    iam.create_role(RoleName="instant", AssumeRolePolicyDocument=json.dumps(_radiant_trust()))
    assert sts.assume_role(**{**request, "RoleArn": f"arn:aws:iam::{CUSTOMER}:role/instant"})


def test_assume_role_needs_the_cross_account_callers_identity_policy(aws, clean_emulator):
    role_arn = _role(aws, CUSTOMER, "radiant-aws-access-role", _radiant_trust())
    sts = _client(clean_emulator.url, "sts", _vendor(clean_emulator, _doc(_allow("sqs:*"))))
    _denied(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="rs", ExternalId=EXTERNAL_ID), "AccessDenied")


def test_assume_role_matches_the_named_principal_not_its_account(aws, clean_emulator):
    # The trust names one session; another session of the same account is refused.
    role_arn = _role(aws, CUSTOMER, "radiant-aws-access-role", _radiant_trust())
    other = clean_emulator.control("POST", "role-sessions", {
        "role_arn": VENDOR_ROLE, "session_name": "someone-else", "policy": _doc(_allow("sts:AssumeRole"))})
    sts = _client(clean_emulator.url, "sts", other)
    _denied(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="rs", ExternalId=EXTERNAL_ID), "AccessDenied")


def test_a_trust_naming_the_account_needs_the_identity_policy_in_the_same_account(aws, clean_emulator):
    trust = _doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{CUSTOMER}:root"}, "Action": "sts:AssumeRole"})
    target = _role(aws, CUSTOMER, "target", trust)
    without = _as(aws, clean_emulator, "sts", CUSTOMER, "plain", _doc(_allow("s3:*")))
    _denied(lambda: without.assume_role(RoleArn=target, RoleSessionName="rs"), "AccessDenied")
    allowed = _session(aws, CUSTOMER, "hopper", _doc(_allow("sts:AssumeRole", target)), clean_emulator.url)
    assert _client(clean_emulator.url, "sts", allowed).assume_role(RoleArn=target, RoleSessionName="rs")
    # Named directly (its role's ARN), a session needs no identity policy in its own account.
    plain_role = f"arn:aws:iam::{CUSTOMER}:role/plain"
    trust = {"Effect": "Allow", "Principal": {"AWS": plain_role}, "Action": "sts:AssumeRole"}
    named = _role(aws, CUSTOMER, "named", _doc(trust))
    assert without.assume_role(RoleArn=named, RoleSessionName="rs")


def test_organization_access_role_trusts_the_management_account_with_administrator_access(aws, sample_org):
    member = sample_org["members"][0]["id"]
    session = aws("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                     RoleSessionName="ts")
    attached = aws("iam", account=member).list_attached_role_policies(RoleName="OrganizationAccountAccessRole")
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    assert session["Credentials"]["AccessKeyId"]
    # Another member's session is no management account: refused.
    other = sample_org["members"][1]["id"]
    as_member = _client(sample_org_url(aws), "sts", session["Credentials"])
    _denied(lambda: as_member.assume_role(RoleArn=f"arn:aws:iam::{other}:role/OrganizationAccountAccessRole",
                                          RoleSessionName="ts"), "AccessDenied")


def sample_org_url(aws):
    return aws("sts").meta.endpoint_url


def _bucket_with_object(aws, account, bucket, policy=None, **put):
    s3 = aws("s3", account=account)
    s3.create_bucket(Bucket=bucket)
    if policy is not None:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    s3.put_object(Bucket=bucket, Key="AWSLogs/x.json", Body=b"{}", **put)


def test_get_object_same_account_needs_identity_or_bucket_policy(aws, clean_emulator):
    _bucket_with_object(aws, CUSTOMER, "logs")
    reader = _as(aws, clean_emulator, "s3", CUSTOMER, "reader", _doc(_allow("s3:GetObject", "arn:aws:s3:::logs/*")))
    assert reader.get_object(Bucket="logs", Key="AWSLogs/x.json")["Body"].read() == b"{}"
    nobody = _as(aws, clean_emulator, "s3", CUSTOMER, "nobody", _doc(_allow("sqs:*")))
    _denied(lambda: nobody.get_object(Bucket="logs", Key="AWSLogs/x.json"), "AccessDenied")
    # The bucket policy naming the role is enough in the bucket's account; an explicit deny wins.
    aws("s3").put_bucket_policy(Bucket="logs", Policy=json.dumps(_doc(
        _allow("s3:GetObject", "arn:aws:s3:::logs/*", Principal={"AWS": f"arn:aws:iam::{CUSTOMER}:role/nobody"}))))
    assert nobody.get_object(Bucket="logs", Key="AWSLogs/x.json")
    aws("s3").put_bucket_policy(Bucket="logs", Policy=json.dumps(_doc(
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"})))
    with pytest.raises(ClientError) as caught:  # moto's own explicit-deny check answers first
        reader.get_object(Bucket="logs", Key="AWSLogs/x.json")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_tls_only_bucket_policy_does_not_refuse_requests_made_over_tls(aws, clean_emulator):
    # moto ignored the condition of statements for every caller and refused every GetObject.
    tls_only = {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    _bucket_with_object(aws, CUSTOMER, "logs", _doc(tls_only))
    reader = _as(aws, clean_emulator, "s3", CUSTOMER, "reader", _doc(_allow("s3:GetObject")))
    assert reader.get_object(Bucket="logs", Key="AWSLogs/x.json")["Body"].read() == b"{}"


def test_get_object_across_accounts_needs_both_policies(aws, clean_emulator):
    _bucket_with_object(aws, CUSTOMER, "central")
    reader = _as(aws, clean_emulator, "s3", OTHER, "reader", _doc(_allow("s3:GetObject")))
    _denied(lambda: reader.get_object(Bucket="central", Key="AWSLogs/x.json"), "AccessDenied")
    aws("s3").put_bucket_policy(Bucket="central", Policy=json.dumps(_doc(
        _allow("s3:GetObject", "arn:aws:s3:::central/*", Principal={"AWS": OTHER}))))
    assert reader.get_object(Bucket="central", Key="AWSLogs/x.json")
    no_identity = _as(aws, clean_emulator, "s3", OTHER, "plain", _doc(_allow("sqs:*")))
    _denied(lambda: no_identity.get_object(Bucket="central", Key="AWSLogs/x.json"), "AccessDenied")


def test_get_object_encrypted_with_kms_needs_decrypt_on_the_key(aws, clean_emulator):
    kms = aws("kms")
    key = kms.create_key()["KeyMetadata"]
    _bucket_with_object(aws, CUSTOMER, "findings", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    read_only = _as(aws, clean_emulator, "s3", CUSTOMER, "ro", _doc(_allow("s3:GetObject")))
    message = _denied(lambda: read_only.get_object(Bucket="findings", Key="AWSLogs/x.json"), "AccessDenied")
    assert "kms:Decrypt" in message and key["Arn"] in message
    both = _doc(_allow("s3:GetObject"), _allow("kms:Decrypt", key["Arn"]))
    reader = _as(aws, clean_emulator, "s3", CUSTOMER, "rw", both)
    assert reader.get_object(Bucket="findings", Key="AWSLogs/x.json")["Body"].read() == b"{}"
    # Without the key policy's delegation to the account, the identity policy cannot grant.
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(_doc(
        _allow("kms:*", Principal={"AWS": f"arn:aws:iam::{CUSTOMER}:role/admin-only"}))))
    _denied(lambda: reader.get_object(Bucket="findings", Key="AWSLogs/x.json"), "AccessDenied")


def test_kms_decrypt_needs_the_key_policy_and_the_identity_policy(aws, clean_emulator):
    kms = aws("kms")
    key = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    allowed = _as(aws, clean_emulator, "kms", CUSTOMER, "dec", _doc(_allow("kms:Decrypt", key["Arn"])))
    assert allowed.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
    plain = _as(aws, clean_emulator, "kms", CUSTOMER, "plain", _doc(_allow("s3:*")))
    _denied(lambda: plain.decrypt(CiphertextBlob=blob), "AccessDeniedException")
    # The identity policy grants only through the key policy's delegation to the account.
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(_doc(
        _allow("kms:*", Principal={"AWS": f"arn:aws:iam::{CUSTOMER}:role/admin-only"}))))
    _denied(lambda: allowed.decrypt(CiphertextBlob=blob), "AccessDeniedException")


def test_sns_subscribe_needs_identity_and_across_accounts_the_topic_policy(aws, clean_emulator):
    topic = aws("sns").create_topic(Name="cloudtrail-radiantsecurity")["TopicArn"]
    queue = f"arn:aws:sqs:us-east-1:{OTHER}:radiant"
    plain = _as(aws, clean_emulator, "sns", CUSTOMER, "plain", _doc(_allow("s3:*")))
    message = _denied(lambda: plain.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue), "AuthorizationError")
    assert "SNS:Subscribe" in message
    subscriber = _as(aws, clean_emulator, "sns", CUSTOMER, "sub", _doc(_allow("sns:Subscribe", topic)))
    assert subscriber.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    outsider = _as(aws, clean_emulator, "sns", OTHER, "sub", _doc(_allow("sns:Subscribe")))
    _denied(lambda: outsider.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue), "AuthorizationError")
    aws("sns").set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(_doc(
        _allow("SNS:Subscribe", topic, Principal={"AWS": f"arn:aws:iam::{OTHER}:role/sub"}))))
    assert outsider.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]


def _queue_for(aws, account, topic_arn):
    sqs = aws("sqs", account=account)
    url = sqs.create_queue(QueueName="watch")["QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:{account}:watch"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(_doc(_allow(
        "sqs:SendMessage", arn, Principal={"Service": "sns.amazonaws.com"},
        Condition={"ArnEquals": {"aws:SourceArn": topic_arn}})))})
    aws("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return sqs, url


def test_cloudtrail_delivers_log_files_and_notifies_the_trails_topic(aws, clean_emulator):
    s3, sns, cloudtrail = aws("s3"), aws("sns"), aws("cloudtrail")
    s3.create_bucket(Bucket="trail-logs")
    trail_arn = f"arn:aws:cloudtrail:us-east-1:{CUSTOMER}:trail/trail1"
    cloudtrail_service = {"Service": "cloudtrail.amazonaws.com"}
    s3.put_bucket_policy(Bucket="trail-logs", Policy=json.dumps(_doc(
        _allow("s3:GetBucketAcl", "arn:aws:s3:::trail-logs", Principal=cloudtrail_service),
        _allow("s3:PutObject", f"arn:aws:s3:::trail-logs/AWSLogs/{CUSTOMER}/*", Principal=cloudtrail_service,
               Condition={"StringEquals": {"aws:SourceArn": trail_arn}}))))
    topic = sns.create_topic(Name="ct")["TopicArn"]
    publish = _allow("SNS:Publish", topic, Principal={"Service": "cloudtrail.amazonaws.com"},
                     Condition={"StringEquals": {"aws:SourceArn": trail_arn}})
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(_doc(publish)))
    cloudtrail.create_trail(Name="trail1", S3BucketName="trail-logs", SnsTopicName=topic)
    sqs, queue_url = _queue_for(aws, OTHER, topic)

    delivered = clean_emulator.control("POST", "cloudtrail/deliver", {"trail_arn": trail_arn})
    assert delivered["delivery_error"] is None and delivered["notification_error"] is None
    assert delivered["key"].startswith(f"AWSLogs/{CUSTOMER}/CloudTrail/us-east-1/")
    records = json.loads(gzip.decompress(s3.get_object(Bucket="trail-logs", Key=delivered["key"])["Body"].read()))
    assert records["Records"][0]["recipientAccountId"] == CUSTOMER
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"]) for m in messages] == [{"s3Bucket": "trail-logs", "s3ObjectKey": [delivered["key"]]}]

    # Without the topic statement the file lands but nobody hears of it.
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(_doc()))
    silent = clean_emulator.control("POST", "cloudtrail/deliver", {"trail_arn": trail_arn})
    assert silent["delivery_error"] is None and silent["notification_error"] == "AuthorizationError"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)
