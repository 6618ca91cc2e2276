"""cloudtrail_trail's whole run (module_utils/cloudtrail.py, run_trail_module) with botocore's Stubber:
the calls made, in order, for create, check mode, no change, drift, errors and delete."""

import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import cloudtrail as ct

ACCOUNT = "123456789012"
NAME = "management-events"
PARAMS = {"name": NAME, "s3_bucket_name": "logs", "is_multi_region_trail": True, "enable_log_file_validation": True,
          "management_events": "all", "s3_data_events": ["all"], "tags": {"managed-by": "radiant"}}
SELECTORS = ct.build_advanced_event_selectors("all", "all")


def trail_arn(partition="aws", region="us-east-1"):
    return "arn:{0}:cloudtrail:{1}:{2}:trail/{3}".format(partition, region, ACCOUNT, NAME)


def described(**changes):
    trail = {"Name": NAME, "S3BucketName": "logs", "IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": True,
             "HomeRegion": "us-east-1", "TrailARN": trail_arn(), "LogFileValidationEnabled": True,
             "HasCustomEventSelectors": True, "IsOrganizationTrail": False}
    trail.update(changes)
    return trail


def module_for(aws_module, check_mode=False, region="us-east-1", **params):
    return aws_module(ct.trail_argument_spec(), dict(PARAMS, **params), rules=ct.TRAIL_OPTION_RULES,
                      check_mode=check_mode, region=region)


def expect_read(cloudtrail, trail, is_logging=True, selectors=None, tags=None):
    cloudtrail.add_response("describe_trails", {"trailList": [trail]},
                            {"trailNameList": [NAME], "includeShadowTrails": True})
    cloudtrail.add_response("get_trail_status", {"IsLogging": is_logging}, {"Name": NAME})
    cloudtrail.add_response("get_event_selectors", {"TrailARN": trail["TrailARN"],
                                                    "AdvancedEventSelectors": selectors or SELECTORS},
                            {"TrailName": NAME})
    tag_list = [{"Key": key, "Value": value} for key, value in (tags or PARAMS["tags"]).items()]
    cloudtrail.add_response("list_tags", {"ResourceTagList": [{"ResourceId": trail["TrailARN"], "TagsList": tag_list}]},
                            {"ResourceIdList": [trail["TrailARN"]]})


def expect_no_trail(cloudtrail):
    cloudtrail.add_response("describe_trails", {"trailList": []},
                            {"trailNameList": [NAME], "includeShadowTrails": True})


def expect_caller(sts, partition="aws"):
    sts.add_response("get_caller_identity", {"UserId": "AIDA", "Account": ACCOUNT,
                                             "Arn": "arn:{0}:iam::{1}:user/ops".format(partition, ACCOUNT)})


def run(module):
    with Stubber(module.stub("cloudtrail")) as cloudtrail, Stubber(module.stub("sts")) as sts, \
            Stubber(module.stub("organizations")) as organizations:
        yield cloudtrail, sts, organizations
        cloudtrail.assert_no_pending_responses()
        sts.assert_no_pending_responses()
        organizations.assert_no_pending_responses()


@pytest.mark.parametrize("region, partition", [("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"),
                                               ("cn-north-1", "aws-cn")])
def test_check_mode_predicts_the_new_trail_in_the_regions_partition_and_writes_nothing(aws_module, region, partition):
    module = module_for(aws_module, check_mode=True, region=region, s3_data_events=["data-bucket"])
    for cloudtrail, sts, _organizations in run(module):
        expect_no_trail(cloudtrail)
        expect_caller(sts, partition)
        result = ct.run_trail_module(module)
    assert result["changed"] is True
    assert result["trail"]["arn"] == trail_arn(partition, region)
    assert result["trail"]["advanced_event_selectors"][1]["field_selectors"][2] == {
        "field": "resources.ARN", "starts_with": ["arn:{0}:s3:::data-bucket/".format(partition)]}
    assert result["diff"]["before"] == {}


def test_create_makes_the_trail_then_its_selectors_then_starts_logging(aws_module):
    module = module_for(aws_module)
    for cloudtrail, _sts, _organizations in run(module):
        expect_no_trail(cloudtrail)
        cloudtrail.add_response("create_trail", {"Name": NAME, "TrailARN": trail_arn()}, {
            "Name": NAME, "S3BucketName": "logs", "IsMultiRegionTrail": True, "EnableLogFileValidation": True,
            "TagsList": [{"Key": "managed-by", "Value": "radiant"}]})
        cloudtrail.add_response("put_event_selectors", {}, {"TrailName": NAME, "AdvancedEventSelectors": SELECTORS})
        cloudtrail.add_response("start_logging", {}, {"Name": NAME})
        expect_read(cloudtrail, described())
        result = ct.run_trail_module(module)
    assert result["changed"] is True
    assert result["trail"]["is_logging"] is True and result["trail"]["arn"] == trail_arn()


def test_a_trail_that_matches_is_read_and_left_alone(aws_module):
    module = module_for(aws_module)
    for cloudtrail, _sts, _organizations in run(module):
        expect_read(cloudtrail, described())
        result = ct.run_trail_module(module)
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_drift_is_corrected_with_only_the_settings_that_differ(aws_module):
    module = module_for(aws_module)
    for cloudtrail, _sts, _organizations in run(module):
        expect_read(cloudtrail, described(LogFileValidationEnabled=False), is_logging=False,
                    tags={"managed-by": "radiant", "owner": "someone"})
        cloudtrail.add_response("update_trail", {}, {"Name": NAME, "EnableLogFileValidation": True})
        cloudtrail.add_response("start_logging", {}, {"Name": NAME})
        cloudtrail.add_response("remove_tags", {}, {"ResourceId": trail_arn(),
                                                    "TagsList": [{"Key": "owner", "Value": "someone"}]})
        expect_read(cloudtrail, described())
        result = ct.run_trail_module(module)
    assert result["changed"] is True
    assert result["diff"]["before"]["is_logging"] is False and result["diff"]["after"]["is_logging"] is True


def test_a_bucket_policy_refusal_of_an_organization_trail_names_the_organization_path(aws_module):
    module = module_for(aws_module, is_organization_trail=True)
    for cloudtrail, sts, organizations in run(module):
        expect_no_trail(cloudtrail)
        cloudtrail.add_client_error("create_trail", "InsufficientS3BucketPolicyException", "Incorrect S3 bucket policy",
                                    expected_params={"Name": NAME, "S3BucketName": "logs", "IsMultiRegionTrail": True,
                                                     "EnableLogFileValidation": True, "IsOrganizationTrail": True,
                                                     "TagsList": ANY})
        expect_caller(sts)
        organizations.add_response("describe_organization", {"Organization": {"Id": "o-abc123"}})
        with pytest.raises(module.Failed) as failed:
            ct.run_trail_module(module)
    message = failed.value.result["msg"]
    assert message.startswith("Failed to create trail {0}: CloudTrail cannot write to S3 bucket 'logs'".format(NAME))
    assert "arn:aws:s3:::logs/AWSLogs/o-abc123/*" in message and trail_arn() in message


def test_delete_of_a_trail_someone_else_just_deleted_is_no_change(aws_module):
    module = module_for(aws_module, state="absent")
    for cloudtrail, _sts, _organizations in run(module):
        expect_read(cloudtrail, described())
        cloudtrail.add_client_error("delete_trail", "TrailNotFoundException", "gone", expected_params={"Name": NAME})
        result = ct.run_trail_module(module)
    assert result["changed"] is False and result["trail"] == {}


def test_name_and_arn_of_different_trails_are_refused_before_any_call(aws_module):
    module = module_for(aws_module, trail_arn=trail_arn().replace(NAME, "other"))
    for _stubs in run(module):
        with pytest.raises(module.Failed, match="name different trails"):
            ct.run_trail_module(module)
