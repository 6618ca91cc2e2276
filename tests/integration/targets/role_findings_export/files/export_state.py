"""Print, as JSON, the findings bucket, key and publishing destinations, read with boto3.

Usage: export_state.py ENDPOINT BUCKET KEY_ALIAS REGION[,REGION...]  (credentials: the log account, also the
GuardDuty administrator)
"""

import json
import sys

import boto3
from botocore.exceptions import ClientError


def main():
    endpoint, bucket, alias, regions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=regions[0])
    kms = boto3.client("kms", endpoint_url=endpoint, region_name=regions[0])
    key = kms.describe_key(KeyId=f"alias/{alias}")["KeyMetadata"]
    state = {
        "key_arn": key["Arn"],
        "key_rotation": kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"],
        # The text as stored too, to show that the customer's statements are kept byte for byte.
        "key_policy_text": kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"],
    }
    state["key_policy"] = json.loads(state["key_policy_text"])
    try:
        state["bucket_policy_text"] = s3.get_bucket_policy(Bucket=bucket)["Policy"]
        state["bucket_policy"] = json.loads(state["bucket_policy_text"])
    except ClientError:
        state["bucket_policy_text"] = state["bucket_policy"] = None
    state["encryption"] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"]
    state["public_access_block"] = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    state["destinations"] = {}
    for region in regions:
        gd = boto3.client("guardduty", endpoint_url=endpoint, region_name=region)
        detector = gd.list_detectors()["DetectorIds"][0]
        found = []
        for summary in gd.list_publishing_destinations(DetectorId=detector)["Destinations"]:
            described = gd.describe_publishing_destination(DetectorId=detector, DestinationId=summary["DestinationId"])
            found.append({"status": described["Status"], **described["DestinationProperties"]})
        state["destinations"][region] = found
    print(json.dumps(state))


if __name__ == "__main__":
    main()
