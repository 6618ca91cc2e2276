"""Play Radiant Security after onboarding, from the vendor's side, against the emulator (IAM enforced).

Usage: play_radiant.py <endpoint> <handoff.json> <region> <management account> <outside accounts, comma-separated>

Radiant knows what the handoff gives it (topics, roles, external ID, accounts) and acts from its
own session arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security, whose
role lives in Radiant's account (created through the emulator's control API). AWS's own part - a
GuardDuty sample finding exported to the bucket, CloudTrail delivering log files of the
organization trail and of the outside accounts' trails - is triggered here too. Each step prints
"ok: <step>"; the first failing step prints "FAILED: <step>: <why>" and exits 1.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
import urllib.request
from contextlib import contextmanager

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

RADIANT_ACCOUNT = "649384204969"
RADIANT_ROLE = f"arn:aws:iam::{RADIANT_ACCOUNT}:role/tenant-aws-access-role"
RADIANT_SESSION = f"arn:aws:sts::{RADIANT_ACCOUNT}:assumed-role/tenant-aws-access-role/radiant-security"
# Radiant's own role may assume roles anywhere and owns its queues (its side, not the customer's).
RADIANT_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
    {"Effect": "Allow", "Action": "sqs:*", "Resource": f"arn:aws:sqs:*:{RADIANT_ACCOUNT}:*"},
]}
READER_ROLE = "radiant-cloudtrail-reader"
TRAIL_NAME = "management-events"
QUEUE = "radiant-feed"


class StepFailed(Exception):
    pass


@contextmanager
def step(name: str):
    try:
        yield
    except Exception as error:  # noqa: BLE001 - every failure names its step
        print(f"FAILED: {name}: {error}", flush=True)
        raise SystemExit(1) from error
    print(f"ok: {name}", flush=True)


def expect(condition: bool, why: str) -> None:
    if not condition:
        raise StepFailed(why)


class World:
    def __init__(self, endpoint: str, region: str):
        self.endpoint, self.region = endpoint, region

    def control(self, route: str, body: dict) -> dict:
        request = urllib.request.Request(f"{self.endpoint}/_emulator/{route}", data=json.dumps(body).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def client(self, service: str, credentials: dict | None = None):
        keys = credentials or {"AccessKeyId": "testing", "SecretAccessKey": "testing"}
        return boto3.client(service, region_name=self.region, endpoint_url=self.endpoint,
                            aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                            aws_session_token=keys.get("SessionToken"), config=Config(retries={"max_attempts": 1}))

    def assume(self, credentials: dict | None, role_arn: str, external_id: str | None, session: str = "radiant"):
        params = {"RoleArn": role_arn, "RoleSessionName": session}
        if external_id is not None:
            params["ExternalId"] = external_id
        return self.client("sts", credentials).assume_role(**params)["Credentials"]


def refused(call) -> str:
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    raise StepFailed("the call was allowed")


def read_gzip(s3, bucket: str, key: str) -> str:
    return gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).decode()


def main(endpoint: str, handoff_path: str, region: str, management: str, outside_ids: str) -> None:
    world = World(endpoint.rstrip("/"), region)
    with open(handoff_path, encoding="utf-8") as handle:
        handoff = json.load(handle)
    external_id = handoff["radiant_credentials"]["aws_external_role_id"]
    main_role = handoff["roles"]["main_access_role_arn"]
    log_account = handoff["main_account_id"]
    topics = {"guardduty": handoff["sns_topics"]["guardduty"], "cloudtrail": handoff["sns_topics"]["cloudtrail"]}
    findings_bucket = handoff["buckets"]["guardduty_findings"].split(":::", 1)[1]
    trail_bucket = handoff["buckets"]["cloudtrail_logs"].split(":::", 1)[1]

    with step(f"Radiant's session {RADIANT_SESSION}"):
        radiant = world.control("role-sessions", {"role_arn": RADIANT_ROLE, "session_name": "radiant-security",
                                                  "policy": RADIANT_POLICY})
        expect(world.client("sts", radiant).get_caller_identity()["Arn"] == RADIANT_SESSION, "wrong session ARN")

    with step(f"assume {main_role} with the external ID"):
        main = world.assume(radiant, main_role, external_id)
    with step("refused with a wrong external ID"):
        wrong = external_id + "-wrong"
        expect(refused(lambda: world.assume(radiant, main_role, wrong)) == "AccessDenied", "not AccessDenied")
    with step("refused without an external ID"):
        expect(refused(lambda: world.assume(radiant, main_role, None)) == "AccessDenied", "not AccessDenied")

    sqs = world.client("sqs", radiant)
    queue_arn = f"arn:aws:sqs:{region}:{RADIANT_ACCOUNT}:{QUEUE}"
    with step("Radiant's queue accepts both topics"):
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": sorted(topics.values())}}}]}
        queue_url = sqs.create_queue(QueueName=QUEUE, Attributes={"Policy": json.dumps(policy)})["QueueUrl"]
    for kind, topic in sorted(topics.items()):
        with step(f"subscribe the queue to the {kind} topic {topic} as the main role"):
            expect(bool(topic), "the handoff names no topic")
            world.client("sns", main).subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)

    # AWS's part: a GuardDuty finding and CloudTrail log files of every trail.
    with step("GuardDuty exports a sample finding (administrator account)"):
        admin = world.assume(None, f"arn:aws:iam::{log_account}:role/OrganizationAccountAccessRole", None, "aws-side")
        guardduty = world.client("guardduty", admin)
        detector = guardduty.list_detectors()["DetectorIds"][0]
        guardduty.create_sample_findings(DetectorId=detector)
    outside = [account for account in outside_ids.split(",") if account]
    trails = {management: f"arn:aws:cloudtrail:{region}:{management}:trail/{TRAIL_NAME}"}
    trails.update({account: f"arn:aws:cloudtrail:{region}:{account}:trail/{TRAIL_NAME}" for account in outside})
    delivered = {}
    for account, trail in trails.items():
        with step(f"CloudTrail delivers a log file of trail {trail}"):
            result = world.control("cloudtrail/deliver", {"trail_arn": trail})
            expect(result["delivery_error"] is None, f"delivery: {result['delivery_error']}")
            expect(result["notification_error"] is None, f"notification: {result['notification_error']}")
            delivered[account] = result["key"]

    wanted = {"guardduty"} | {f"cloudtrail:{account}" for account in delivered}
    found: dict[str, str] = {}
    with step("the queue receives the finding's and every log file's notification"):
        deadline = time.monotonic() + 30
        while set(found) != wanted and time.monotonic() < deadline:
            for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
                envelope = json.loads(message["Body"])
                body = json.loads(envelope["Message"])
                if envelope["TopicArn"] == topics["guardduty"]:
                    found["guardduty"] = body["Records"][0]["s3"]["object"]["key"]
                elif envelope["TopicArn"] == topics["cloudtrail"]:
                    for key in body["s3ObjectKey"]:
                        account = next((a for a, k in delivered.items() if k == key), None)
                        found[f"cloudtrail:{account}"] = key
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        expect(set(found) == wanted, f"missing {sorted(wanted - set(found))}")

    s3_main = world.client("s3", main)
    with step(f"get and decrypt the finding s3://{findings_bucket}/{found['guardduty']} as the main role"):
        expect('"type"' in read_gzip(s3_main, findings_bucket, found["guardduty"]), "no finding in the object")
    with step("get and decrypt the organization trail's log file as the main role"):
        expect('"Records"' in read_gzip(s3_main, trail_bucket, found[f"cloudtrail:{management}"]), "no records")

    reader_arn = f"arn:aws:iam::{log_account}:role/{READER_ROLE}"
    with step(f"assume the cross-account reader {reader_arn} with the external ID"):
        reader = world.client("s3", world.assume(radiant, reader_arn, external_id))
    for account in outside:
        with step(f"read the log file of outside account {account} through the reader role"):
            expect('"Records"' in read_gzip(reader, trail_bucket, found[f"cloudtrail:{account}"]), "no records")

    api_arns = handoff["roles"]["api_access_role_arns"]
    with step("the handoff names an API role in the management account and in every outside account"):
        expect({management, *outside} <= {arn.split(":")[4] for arn in api_arns}, f"API roles: {api_arns}")
    for arn in api_arns:
        with step(f"assume {arn} with the external ID"):
            identity = world.client("sts", world.assume(radiant, arn, external_id)).get_caller_identity()
            expect(identity["Account"] == arn.split(":")[4], "wrong account")
    with step("the main role's session cannot assume an API role (their trust names Radiant's session only)"):
        expect(refused(lambda: world.assume(main, api_arns[0], external_id)) == "AccessDenied", "not AccessDenied")
    print(json.dumps({"api_roles_assumed": len(api_arns), "notifications": found}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
