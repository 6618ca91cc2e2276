"""The AWS CLI commands of the guides docs/requirements.md cites, run with the real ``aws`` CLI against the emulator.

Each command either succeeds, or fails exactly as AWS (or the CLI itself) would when a
precondition is missing. The AWS guide behind docs/requirements.md#protection-plans writes some JSON with lowercase keys
("name", "status", "autoEnable"): the CLI rejects those client-side with a parameter validation error before
any request is sent, and this test asserts exactly that. (AWS CLI v1, pinned here, exits
255 for both client-side validation and service errors; v2 would exit 252 and 254.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from guardduty_helpers import BUCKET, bucket_policy, delegate_admin, feature_status, key_policy

AWS_CLI = str(Path(sys.executable).parent / "aws")
ROLE = "OrganizationAccountAccessRole"


@pytest.fixture
def cli(clean_emulator, aws):
    """``cli(*args, account=None, region="us-east-1")`` runs ``aws`` as that account
    (credentials from sts:AssumeRole into its OrganizationAccountAccessRole)."""

    def run(*args, account=None, region="us-east-1"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ENDPOINT_URL=clean_emulator.url,
            AWS_DEFAULT_REGION=region,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        if account is not None:
            creds = aws("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")
            creds = creds["Credentials"]
            env.update(
                AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
                AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                AWS_SESSION_TOKEN=creds["SessionToken"],
            )
        result = subprocess.run(
            [AWS_CLI, "--output", "json", *args], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        result.json = json.loads(result.stdout) if result.returncode == 0 and result.stdout.strip() else None
        return result

    return run


def test_seed_003_standalone_update_detector_and_create_with_a_feature_disabled(cli, aws):
    created = cli(
        "guardduty", "create-detector", "--enable", "--features", '[{"Name" : "S3_DATA_EVENTS", "Status" : "DISABLED"}]'
    )
    assert created.returncode == 0, created.stderr
    detector_id = created.json["DetectorId"]
    gd = aws("guardduty")
    assert feature_status(gd.get_detector(DetectorId=detector_id))["S3_DATA_EVENTS"] == "DISABLED"
    enabled = cli(
        "guardduty", "update-detector", "--detector-id", detector_id,
        "--features", '[{"Name" : "S3_DATA_EVENTS", "Status" : "ENABLED"}]',
    )  # fmt: skip
    assert enabled.returncode == 0, enabled.stderr
    status = feature_status(gd.get_detector(DetectorId=detector_id))
    assert status["S3_DATA_EVENTS"] == "ENABLED" and status["EKS_AUDIT_LOGS"] == "ENABLED"  # merged, not replaced
    # The guide's example detector id does not exist in this account.
    missing = cli(
        "guardduty", "update-detector", "--detector-id", "12abc34d567e8fa901bc2d34e56789f0",
        "--features", '[{"Name" : "S3_DATA_EVENTS", "Status" : "ENABLED"}]',
    )  # fmt: skip
    assert missing.returncode != 0
    assert (
        "An error occurred (BadRequestException) when calling the UpdateDetector operation: The request is rejected "
        "because the input detectorId is not owned by the current account." in missing.stderr
    )


def test_seed_003_delegated_admin_member_detectors_and_org_configuration(cli, aws, sample_org):
    admin = sample_org["log_account"]["id"]
    member = sample_org["members"][0]
    client, detector_id = delegate_admin(aws, admin)
    client.create_members(
        DetectorId=detector_id, AccountDetails=[{"AccountId": member["id"], "Email": member["email"]}]
    )

    ok = cli(
        "guardduty", "update-member-detectors", "--detector-id", detector_id, "--account-ids", member["id"],
        "--features", '[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]', account=admin,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert ok.json == {"UnprocessedAccounts": []}
    # The guide's "555555555555 = the administrator itself": it is no member of itself.
    own = cli(
        "guardduty", "update-member-detectors", "--detector-id", detector_id, "--account-ids", admin,
        "--features", '[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]', account=admin,
    )  # fmt: skip
    assert own.returncode == 0, own.stderr
    assert own.json["UnprocessedAccounts"] == [
        {
            "AccountId": admin,
            "Result": "The request is rejected because the given account ID is not an associated member of account "
            "the current account.",
        }
    ]
    # Lowercase keys, as written in the guide: rejected by the CLI before any request.
    lowercase = cli(
        "guardduty", "update-member-detectors", "--detector-id", detector_id, "--account-ids", member["id"],
        "--features", '[{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]', account=admin,
    )  # fmt: skip
    assert lowercase.returncode == 255
    assert "Parameter validation failed" in lowercase.stderr
    assert 'Unknown parameter in Features[0]: "name", must be one of: Name, Status, AdditionalConfiguration' in (
        lowercase.stderr
    )

    # Seed: update-organization-configuration --auto-enable --features '[{"Name": ..., "autoEnable": "NEW"}]'
    seed_form = cli(
        "guardduty", "update-organization-configuration", "--detector-id", detector_id, "--auto-enable",
        "--features", '[{"Name": "S3_DATA_EVENTS", "autoEnable": "NEW"}]', account=admin,
    )  # fmt: skip
    assert seed_form.returncode == 255
    assert 'Unknown parameter in Features[0]: "autoEnable", must be one of: Name, AutoEnable' in seed_form.stderr
    # Both the deprecated flag and its replacement: refused by GuardDuty.
    both = cli(
        "guardduty", "update-organization-configuration", "--detector-id", detector_id, "--auto-enable",
        "--auto-enable-organization-members", "NEW",
        "--features", '[{"Name": "S3_DATA_EVENTS", "AutoEnable": "NEW"}]', account=admin,
    )  # fmt: skip
    assert both.returncode != 0 and "(BadRequestException)" in both.stderr and "not both" in both.stderr
    fixed = cli(
        "guardduty", "update-organization-configuration", "--detector-id", detector_id,
        "--auto-enable-organization-members", "NEW",
        "--features", '[{"Name": "S3_DATA_EVENTS", "AutoEnable": "NEW"}]', account=admin,
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    config = client.describe_organization_configuration(DetectorId=detector_id)
    assert config["AutoEnableOrganizationMembers"] == "NEW"
    assert {f["Name"]: f["AutoEnable"] for f in config["Features"]}["S3_DATA_EVENTS"] == "NEW"


def test_seed_004_invitation_flow_with_the_cli(cli, aws, sample_org):
    admin = sample_org["log_account"]["id"]
    outside = sample_org["outside"][0]
    _client, detector_id = delegate_admin(aws, admin)
    # The guide's literal example (123456789012 / guarddutymember@amazon.com): not that account's root email.
    literal = cli(
        "guardduty", "create-members", "--detector-id", detector_id,
        "--account-details", "AccountId=123456789012,Email=guarddutymember@amazon.com", account=admin,
    )  # fmt: skip
    assert literal.returncode == 0, literal.stderr
    [unprocessed] = literal.json["UnprocessedAccounts"]
    assert unprocessed["AccountId"] == "123456789012" and "email address does not match" in unprocessed["Result"]

    created = cli(
        "guardduty", "create-members", "--detector-id", detector_id,
        "--account-details", f"AccountId={outside['id']},Email={outside['email']}", account=admin,
    )  # fmt: skip
    assert created.returncode == 0 and created.json == {"UnprocessedAccounts": []}, created.stderr
    invited = cli(
        "guardduty", "invite-members", "--detector-id", detector_id, "--account-ids", outside["id"], account=admin
    )
    assert invited.returncode == 0 and invited.json == {"UnprocessedAccounts": []}, invited.stderr

    # Member side: accepting before GuardDuty is enabled there fails (no detector of its own).
    invitations = cli("guardduty", "list-invitations", account=outside["id"])
    [invitation] = invitations.json["Invitations"]
    early = cli(
        "guardduty", "accept-invitation", "--detector-id", detector_id, "--master-id", admin,
        "--invitation-id", invitation["InvitationId"], account=outside["id"],
    )  # fmt: skip
    assert early.returncode != 0 and "not owned by the current account" in early.stderr
    member_detector = cli("guardduty", "create-detector", "--enable", account=outside["id"])
    assert member_detector.returncode == 0, member_detector.stderr
    accepted = cli(
        "guardduty", "accept-invitation", "--detector-id", member_detector.json["DetectorId"],
        "--master-id", admin, "--invitation-id", invitation["InvitationId"], account=outside["id"],
    )  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    members = aws("guardduty", account=admin).get_members(DetectorId=detector_id, AccountIds=[outside["id"]])
    assert members["Members"][0]["RelationshipStatus"] == "Enabled"


def test_seed_000_create_publishing_destination_with_the_cli(cli, aws):
    gd = aws("guardduty")
    detector_id = gd.create_detector(Enable=True)["DetectorId"]
    detector_arn = f"arn:aws:guardduty:us-east-1:123456789012:detector/{detector_id}"
    s3, kms = aws("s3"), aws("kms")
    s3.create_bucket(Bucket=BUCKET)
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    args = (
        "guardduty", "create-publishing-destination", "--detector-id", detector_id, "--destination-type", "S3",
        "--destination-properties", f"DestinationArn=arn:aws:s3:::{BUCKET},KmsKeyArn={key_arn}",
        "--region", "us-east-1",
    )  # fmt: skip
    refused = cli(*args)
    assert refused.returncode == 255
    assert refused.stderr.strip() == (
        "An error occurred (BadRequestException) when calling the CreatePublishingDestination operation: "
        "The request failed because the input destinationArn or kmsKeyArn does not have proper permissions "
        "for the given KMS or destination."
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [detector_arn]))
    kms.put_key_policy(KeyId=key_arn, PolicyName="default", Policy=key_policy([detector_arn]))
    created = cli(*args)
    assert created.returncode == 0, created.stderr
    assert list(created.json) == ["DestinationId"]
    statuses = [
        gd.describe_publishing_destination(DetectorId=detector_id, DestinationId=created.json["DestinationId"])[
            "Status"
        ]
        for _attempt in range(2)
    ]
    assert statuses == ["PENDING_VERIFICATION", "PUBLISHING"]
