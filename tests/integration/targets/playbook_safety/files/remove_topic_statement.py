"""Remove one statement, by Sid, from an SNS topic's policy, as a careless admin might: the
negative half of Radiant's view (runme.sh). Acts in the topic's account through its
OrganizationAccountAccessRole, with the management account's keys from the environment.

Usage: remove_topic_statement.py ENDPOINT TOPIC_ARN SID
"""

import json
import sys

import boto3


def main(endpoint: str, topic_arn: str, sid: str) -> None:
    region, account = topic_arn.split(":")[3:5]
    credentials = boto3.client("sts", region_name=region, endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="weaken")["Credentials"]
    sns = boto3.client("sns", region_name=region, endpoint_url=endpoint,
                       aws_access_key_id=credentials["AccessKeyId"],
                       aws_secret_access_key=credentials["SecretAccessKey"],
                       aws_session_token=credentials["SessionToken"])
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]["Policy"])
    kept = [statement for statement in policy["Statement"] if statement.get("Sid") != sid]
    if len(kept) == len(policy["Statement"]):
        raise SystemExit(f"{topic_arn} has no statement {sid}")
    policy["Statement"] = kept
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="Policy", AttributeValue=json.dumps(policy))
    print(f"removed {sid} from {topic_arn}")


if __name__ == "__main__":
    main(*sys.argv[1:])
