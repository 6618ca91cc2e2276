"""Make one boto3 call and print its response as JSON: how targets change AWS behind a module.

Usage: boto3_call.py SERVICE OPERATION [PARAMS_JSON]
Endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL, AWS_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). OPERATION is boto3's snake_case
method name, e.g. ``s3 put_bucket_versioning '{"Bucket": "b", ...}'``.
A StackSet call that starts an operation returns once the operation has finished: StackSet
operations run asynchronously and one at a time (docs/emulator-fidelity.md), and a careful
operator's script waits for one before the next.
With BOTO3_UNTIL='{"key": "Members", "count": 3}' a read is repeated (up to 60 s) until the
response's list under key has that many items: what AWS does asynchronously (GuardDuty's
auto-enable enrolling existing members) is polled for, as an operator's script must.
"""

import json
import os
import sys
import time

import boto3


def wait_for_operation(client, request: dict, operation_id: str, timeout: float = 60.0) -> None:
    call_as = {"CallAs": request["CallAs"]} if "CallAs" in request else {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        operation = client.describe_stack_set_operation(
            StackSetName=request["StackSetName"], OperationId=operation_id, **call_as)["StackSetOperation"]
        if operation["Status"] not in ("RUNNING", "QUEUED", "STOPPING"):
            return
        time.sleep(0.2)
    raise SystemExit("stack set operation {0} still running after {1} s".format(operation_id, timeout))


def call_until(call, request: dict, until: dict, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        response = call(**request)
        if len(response.get(until["key"], [])) >= int(until["count"]) or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def main(service: str, operation: str, params: str = "{}") -> None:
    if not os.environ.get("AWS_SESSION_TOKEN"):
        os.environ.pop("AWS_SESSION_TOKEN", None)  # an empty token is not "no token" to botocore
    client = boto3.client(service)
    request = json.loads(params)
    until = json.loads(os.environ.get("BOTO3_UNTIL") or "null")
    call = getattr(client, operation)
    response = call_until(call, request, until) if until else call(**request)
    response.pop("ResponseMetadata", None)
    if service == "cloudformation" and "OperationId" in response and "StackSetName" in request:
        wait_for_operation(client, request, response["OperationId"])
    json.dump(response, sys.stdout, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:])
