"""The shape checker itself must catch what it exists to catch."""

import datetime

from shapecheck import check_shape


def _detector(**overrides):
    response = {
        "CreatedAt": "2024-01-01T00:00:00.000Z",
        "FindingPublishingFrequency": "SIX_HOURS",
        "ServiceRole": "arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/x",
        "Status": "ENABLED",
        "Features": [
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED",
             "UpdatedAt": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)},
        ],
        "Tags": {"team": "security"},
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }
    response.update(overrides)
    return response


def test_conforming_response_has_no_problems():
    assert check_shape("guardduty", "GetDetector", _detector()) == []


def test_missing_required_member_is_reported():
    response = _detector()
    del response["Status"]
    assert check_shape("guardduty", "GetDetector", response) == ["GetDetector: required member 'Status' missing"]


def test_wrong_scalar_type_is_reported():
    problems = check_shape("guardduty", "GetDetector", _detector(Status=1))
    assert problems == ["GetDetector.Status: expected string, got int"]


def test_enum_value_outside_the_model_is_reported():
    problems = check_shape("guardduty", "GetDetector", _detector(FindingPublishingFrequency="HOURLY"))
    assert len(problems) == 1 and "not one of the enum" in problems[0]


def test_nested_list_items_are_checked():
    features = [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED", "UpdatedAt": "yesterday"}]
    problems = check_shape("guardduty", "GetDetector", _detector(Features=features))
    assert problems == ["GetDetector.Features[0].UpdatedAt: expected timestamp (datetime), got str"]


def test_map_values_and_lists_are_checked():
    assert check_shape("guardduty", "GetDetector", _detector(Tags={"team": 5})) == [
        "GetDetector.Tags['team']: expected string, got int"
    ]
    assert check_shape("guardduty", "ListDetectors", {"DetectorIds": "abc"}) == [
        "ListDetectors.DetectorIds: expected list, got str"
    ]


def test_boolean_is_not_an_integer_and_integer_is_not_boolean():
    assert check_shape("guardduty", "GetInvitationsCount", {"InvitationsCount": True}) == [
        "GetInvitationsCount.InvitationsCount: expected integer, got bool"
    ]


def test_member_unknown_to_the_shape_is_reported():
    problems = check_shape("guardduty", "ListDetectors", {"DetectorIds": [], "Bogus": 1})
    assert problems == ["ListDetectors: member 'Bogus' is not in shape ListDetectorsResponse"]


def test_live_emulator_response_conforms(aws):
    sts = aws("sts")
    assert check_shape("sts", "GetCallerIdentity", sts.get_caller_identity()) == []
