"""Make one boto3 call and print its response as JSON: how targets change AWS behind a module.

Usage: boto3_call.py SERVICE OPERATION [PARAMS_JSON]
Endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL, AWS_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). OPERATION is boto3's snake_case
method name, e.g. ``s3 put_bucket_versioning '{"Bucket": "b", ...}'``.
"""

import json
import os
import sys

import boto3


def main(service: str, operation: str, params: str = "{}") -> None:
    if not os.environ.get("AWS_SESSION_TOKEN"):
        os.environ.pop("AWS_SESSION_TOKEN", None)  # an empty token is not "no token" to botocore
    client = boto3.client(service)
    response = getattr(client, operation)(**json.loads(params))
    response.pop("ResponseMetadata", None)
    json.dump(response, sys.stdout, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:])
