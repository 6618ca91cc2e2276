"""Print, as JSON, the publishing destinations of other accounts' detectors, read with boto3.

Usage: member_destinations.py ENDPOINT ACCOUNT[,ACCOUNT...] REGION[,REGION...] [delete]
(credentials: the management account; other accounts through OrganizationAccountAccessRole).
Prints {"<account>/<region>": [{"DestinationArn", "KmsKeyArn", "Status"}, ...]}, [] where the
detector has none; pairs without a detector are left out. With "delete", deletes the destinations
it prints (drift behind the onboarding's back).
"""

import json
import sys

import boto3


def main(endpoint: str, accounts: str, regions: str, action: str = "read") -> None:
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1")
    caller = sts.get_caller_identity()["Account"]
    found = {}
    for account_id in accounts.split(","):
        keys = {}
        if account_id != caller:
            credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                          RoleSessionName="integration-test")["Credentials"]
            keys = {"aws_access_key_id": credentials["AccessKeyId"],
                    "aws_secret_access_key": credentials["SecretAccessKey"],
                    "aws_session_token": credentials["SessionToken"]}
        for region in regions.split(","):
            guardduty = boto3.client("guardduty", endpoint_url=endpoint, region_name=region, **keys)
            for detector_id in guardduty.list_detectors()["DetectorIds"]:
                destinations = guardduty.list_publishing_destinations(DetectorId=detector_id)["Destinations"]
                found[f"{account_id}/{region}"] = [
                    dict(guardduty.describe_publishing_destination(
                        DetectorId=detector_id, DestinationId=d["DestinationId"])["DestinationProperties"],
                        Status=d["Status"])
                    for d in destinations]
                for destination in destinations if action == "delete" else []:
                    guardduty.delete_publishing_destination(DetectorId=detector_id,
                                                            DestinationId=destination["DestinationId"])
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
