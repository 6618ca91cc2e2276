"""Make boto3 calls and print their responses as JSON: how targets change AWS behind a module.

Usage: boto3_call.py SERVICE OPERATION [PARAMS_JSON]     one call
       boto3_call.py --batch < CALLS_JSON                 several calls in one process, in order
Endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL, AWS_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). OPERATION is boto3's snake_case
method name, e.g. ``s3 put_bucket_versioning '{"Bucket": "b", ...}'``.
A StackSet call that starts an operation returns once the operation has finished: StackSet
operations run asynchronously and one at a time (docs/emulator-fidelity.md), and a careful
operator's script waits for one before the next.
With BOTO3_UNTIL='{"key": "Members", "count": 3}' a read is repeated (up to 60 s) until the
response's list under key has that many items: what AWS does asynchronously (GuardDuty's
auto-enable enrolling existing members) is polled for, as an operator's script must.

--batch reads a JSON list of calls, each {"service", "operation", "params", "region",
"credentials": {access_key, secret_key, session_token}, "until": {key, count}} (all but service
and operation optional; a call without region or credentials uses the environment's), makes them one
after the other and prints the list of responses in the same order: one Python start and one
boto3 import for the lot, where a task per call pays both each time. The first call that fails
stops the batch, naming its position.
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


def make_call(client, service: str, operation: str, request: dict, until) -> dict:
    call = getattr(client, operation)
    response = call_until(call, request, until) if until else call(**request)
    response.pop("ResponseMetadata", None)
    if service == "cloudformation" and "OperationId" in response and "StackSetName" in request:
        wait_for_operation(client, request, response["OperationId"])
    return response


def batch(calls: list) -> list:
    clients, responses = {}, []
    for position, spec in enumerate(calls, 1):
        credentials = spec.get("credentials") or {}
        region = spec.get("region") or os.environ.get("AWS_REGION")
        key = (spec["service"], region, credentials.get("access_key"))
        if key not in clients:
            explicit = {"aws_access_key_id": credentials["access_key"],
                        "aws_secret_access_key": credentials["secret_key"],
                        "aws_session_token": credentials.get("session_token") or None} if credentials else {}
            clients[key] = boto3.client(spec["service"], region_name=region, **explicit)
        try:
            responses.append(make_call(clients[key], spec["service"], spec["operation"], spec.get("params") or {},
                                       spec.get("until")))
        except Exception:
            print("call {0} of {1} ({2}.{3}) failed:".format(position, len(calls), spec["service"], spec["operation"]),
                  file=sys.stderr)
            raise
    return responses


def main(service: str, operation: str = "", params: str = "{}") -> None:
    if not os.environ.get("AWS_SESSION_TOKEN"):
        os.environ.pop("AWS_SESSION_TOKEN", None)  # an empty token is not "no token" to botocore
    if service == "--batch":
        json.dump(batch(json.load(sys.stdin)), sys.stdout, default=str)
        return
    until = json.loads(os.environ.get("BOTO3_UNTIL") or "null")
    json.dump(make_call(boto3.client(service), service, operation, json.loads(params), until), sys.stdout, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:])
