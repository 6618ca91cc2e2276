"""Create GuardDuty detectors in other accounts, as their owners would (test set-up).

Usage: member_detectors.py ENDPOINT '{"<account id>": ["us-east-1", ...], ...}'
Each account is reached by assuming its OrganizationAccountAccessRole with the environment's
(management account's) credentials; the management account itself uses them directly.
Prints {"<account>/<region>": "<detector ARN>"}. Also used by the role_findings_export target.
"""

import json
import sys

import boto3


def main(endpoint: str, spec: str) -> None:
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1")
    caller = sts.get_caller_identity()["Account"]
    created = {}
    for account_id, regions in json.loads(spec).items():
        keys = {}
        if account_id != caller:
            credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                          RoleSessionName="integration-test")["Credentials"]
            keys = {"aws_access_key_id": credentials["AccessKeyId"],
                    "aws_secret_access_key": credentials["SecretAccessKey"],
                    "aws_session_token": credentials["SessionToken"]}
        for region in regions:
            guardduty = boto3.client("guardduty", endpoint_url=endpoint, region_name=region, **keys)
            detector_id = guardduty.create_detector(Enable=True)["DetectorId"]
            created[f"{account_id}/{region}"] = f"arn:aws:guardduty:{region}:{account_id}:detector/{detector_id}"
    json.dump(created, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
