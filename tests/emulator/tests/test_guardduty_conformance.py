"""Every emulated GuardDuty operation, driven with boto3, answers in botocore's output shape."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from guardduty_helpers import BUCKET, bucket_policy, delegate_admin, key_policy
from radiant_emulator.extensions.guardduty import OPERATIONS
from shapecheck import check_shape


@pytest.fixture
def recorded(aws):
    """Clients whose every parsed GuardDuty response is recorded as (operation, response)."""
    responses: list[tuple[str, dict]] = []

    def record(http_response, parsed, model, **_kwargs):
        if http_response.status_code < 300:  # TagResource/UntagResource answer 204
            responses.append((model.name, parsed))

    def factory(service, region="us-east-1", account=None):
        client = aws(service, region, account)
        if service == "guardduty":
            client.meta.events.register("after-call.guardduty", record)
        return client

    return factory, responses


def test_every_emulated_operation_conforms_to_the_botocore_model(recorded, sample_org):
    gd_client, responses = recorded
    admin = sample_org["log_account"]["id"]
    member, outside = sample_org["members"][0], sample_org["outside"][0]
    mgmt = gd_client("guardduty")

    client, detector_id = delegate_admin(gd_client, admin)
    mgmt.list_organization_admin_accounts()
    client.get_detector(DetectorId=detector_id)
    client.update_detector(DetectorId=detector_id, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])
    client.list_detectors()
    client.update_organization_configuration(
        DetectorId=detector_id,
        AutoEnableOrganizationMembers="NEW",
        Features=[{"Name": "RUNTIME_MONITORING", "AutoEnable": "NEW",
                   "AdditionalConfiguration": [{"Name": "EKS_ADDON_MANAGEMENT", "AutoEnable": "NEW"}]}],
    )  # fmt: skip
    client.describe_organization_configuration(DetectorId=detector_id)
    client.create_members(
        DetectorId=detector_id,
        AccountDetails=[
            {"AccountId": member["id"], "Email": member["email"]},
            {"AccountId": outside["id"], "Email": outside["email"]},
        ],
    )
    client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]], Message="join")
    client.get_members(DetectorId=detector_id, AccountIds=[member["id"], outside["id"], "111111111111"])
    client.list_members(DetectorId=detector_id, OnlyAssociated="false")
    client.update_member_detectors(
        DetectorId=detector_id, AccountIds=[member["id"]], Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]
    )
    client.get_member_detectors(DetectorId=detector_id, AccountIds=[member["id"], "111111111111"])
    client.stop_monitoring_members(DetectorId=detector_id, AccountIds=[member["id"]])
    client.start_monitoring_members(DetectorId=detector_id, AccountIds=[member["id"]])

    invitee = gd_client("guardduty", account=outside["id"])
    invitee_detector = invitee.create_detector(Enable=True)["DetectorId"]
    invitee.get_invitations_count()
    [invitation] = invitee.list_invitations()["Invitations"]
    invitee.accept_administrator_invitation(
        DetectorId=invitee_detector, AdministratorId=admin, InvitationId=invitation["InvitationId"]
    )
    invitee.get_administrator_account(DetectorId=invitee_detector)
    invitee.get_master_account(DetectorId=invitee_detector)
    invitee.disassociate_from_administrator_account(DetectorId=invitee_detector)
    client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]])
    [invitation] = invitee.list_invitations()["Invitations"]
    invitee.accept_invitation(DetectorId=invitee_detector, MasterId=admin, InvitationId=invitation["InvitationId"])
    invitee.disassociate_from_master_account(DetectorId=invitee_detector)
    client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]])
    invitee.decline_invitations(AccountIds=[admin])
    client.invite_members(DetectorId=detector_id, AccountIds=[outside["id"]])
    invitee.delete_invitations(AccountIds=[admin])

    detector_arn = f"arn:aws:guardduty:us-east-1:{admin}:detector/{detector_id}"
    s3 = gd_client("s3", account=admin)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(BUCKET, [detector_arn]))
    kms = gd_client("kms", account=admin)
    key_arn = kms.create_key(Policy=key_policy([detector_arn], owner=admin))["KeyMetadata"]["Arn"]
    destination_id = client.create_publishing_destination(
        DetectorId=detector_id,
        DestinationType="S3",
        DestinationProperties={"DestinationArn": f"arn:aws:s3:::{BUCKET}", "KmsKeyArn": key_arn},
        Tags={"owner": "security"},
    )["DestinationId"]
    client.describe_publishing_destination(DetectorId=detector_id, DestinationId=destination_id)
    client.list_publishing_destinations(DetectorId=detector_id)
    client.update_publishing_destination(
        DetectorId=detector_id, DestinationId=destination_id, DestinationProperties={"KmsKeyArn": key_arn}
    )
    client.create_sample_findings(DetectorId=detector_id)
    gd_client("guardduty", account=member["id"]).create_sample_findings(
        DetectorId=client.get_members(DetectorId=detector_id, AccountIds=[member["id"]])["Members"][0]["DetectorId"]
    )
    finding_ids = client.list_findings(DetectorId=detector_id)["FindingIds"]
    assert len(finding_ids) == 10  # the administrator sees its member's findings too
    exported = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert len(exported) == 2  # and exports them: its own batch and its member's
    client.get_findings(DetectorId=detector_id, FindingIds=finding_ids)
    client.create_filter(
        DetectorId=detector_id,
        Name="archive-samples",
        Action="ARCHIVE",
        FindingCriteria={"Criterion": {"type": {"Eq": ["Recon:EC2/PortProbeUnprotectedPort"]}}},
    )
    client.update_filter(DetectorId=detector_id, FilterName="archive-samples", Rank=2)
    assert client.get_filter(DetectorId=detector_id, FilterName="archive-samples")["Rank"] == 2
    assert client.list_filters(DetectorId=detector_id)["FilterNames"] == ["archive-samples"]
    client.tag_resource(ResourceArn=f"{detector_arn}/filter/archive-samples", Tags={"team": "security"})
    client.delete_filter(DetectorId=detector_id, FilterName="archive-samples")
    client.tag_resource(ResourceArn=detector_arn, Tags={"team": "security"})
    client.list_tags_for_resource(ResourceArn=detector_arn)
    client.untag_resource(ResourceArn=detector_arn, TagKeys=["team"])
    client.delete_publishing_destination(DetectorId=detector_id, DestinationId=destination_id)

    client.update_organization_configuration(DetectorId=detector_id, AutoEnableOrganizationMembers="NONE")
    client.disassociate_members(DetectorId=detector_id, AccountIds=[member["id"], outside["id"]])
    client.delete_members(DetectorId=detector_id, AccountIds=[member["id"], outside["id"]])
    mgmt.disable_organization_admin_account(AdminAccountId=admin)
    mgmt.list_organization_admin_accounts()
    client.delete_detector(DetectorId=detector_id)

    problems = {op: check_shape("guardduty", op, response) for op, response in responses}
    assert {op: found for op, found in problems.items() if found} == {}
    assert set(OPERATIONS) - {op for op, _response in responses} == set()


def test_error_responses_carry_guardduty_error_shape(aws):
    """GuardDuty's wire format for errors: 400, x-amzn-ErrorType header, message + __type body."""
    gd = aws("guardduty")
    request = urllib.request.Request(
        f"{gd.meta.endpoint_url}/detector/nope",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/guardduty/aws4_request, "
            "SignedHeaders=host, Signature=x"
        },
    )
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(request, timeout=10)
    assert excinfo.value.code == 400
    assert excinfo.value.headers["x-amzn-ErrorType"] == "BadRequestException"
    body = json.loads(excinfo.value.read())
    assert body == {
        "message": "The request is rejected because the input detectorId is not owned by the current account.",
        "__type": "InvalidInputException",
    }
