"""Check a boto3 parsed response against botocore's output shape for the operation.

A response that boto3 parses without complaint can still be one AWS would never send:
a required member missing, a string where the model says integer, an enum value the
model does not know. ``check_shape`` walks the output shape recursively and lists every
such problem; conformance tests assert the list is empty.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

import botocore.session

# botocore adds this to every parsed response; it is not part of the output shape.
_RESPONSE_METADATA = "ResponseMetadata"


@functools.cache
def _service_model(service: str):
    return botocore.session.get_session().get_service_model(service)


def output_shape(service: str, operation: str):
    """botocore's output shape of ``operation`` (its API name, e.g. ``GetDetector``), or None."""
    return _service_model(service).operation_model(operation).output_shape


def check_shape(service: str, operation: str, parsed_response: dict) -> list[str]:
    """Problems found in ``parsed_response``; an empty list means it conforms."""
    shape = output_shape(service, operation)
    if shape is None:
        extra = sorted(k for k in parsed_response if k != _RESPONSE_METADATA)
        return [f"{operation}: the model has no output, response has {extra}"] if extra else []
    body = {k: v for k, v in parsed_response.items() if k != _RESPONSE_METADATA}
    return check_value(shape, body, operation)


def check_value(shape, value: Any, path: str) -> list[str]:
    """Problems of ``value`` against botocore ``shape``; ``path`` names it in messages."""
    checker = _CHECKERS.get(shape.type_name)
    if checker is None:
        return [f"{path}: shape type {shape.type_name!r} is not checked by shapecheck"]
    return checker(shape, value, path)


def _structure(shape, value, path):
    if not isinstance(value, dict):
        return [f"{path}: expected structure (dict), got {type(value).__name__}"]
    problems = []
    members = shape.members
    for name in shape.required_members:
        if name not in value:
            problems.append(f"{path}: required member {name!r} missing")
    for name, member_value in value.items():
        if name not in members:
            problems.append(f"{path}: member {name!r} is not in shape {shape.name}")
            continue
        problems.extend(check_value(members[name], member_value, f"{path}.{name}"))
    return problems


def _list(shape, value, path):
    if not isinstance(value, list):
        return [f"{path}: expected list, got {type(value).__name__}"]
    problems = []
    for index, item in enumerate(value):
        problems.extend(check_value(shape.member, item, f"{path}[{index}]"))
    return problems


def _map(shape, value, path):
    if not isinstance(value, dict):
        return [f"{path}: expected map (dict), got {type(value).__name__}"]
    problems = []
    for key, item in value.items():
        problems.extend(check_value(shape.key, key, f"{path} key {key!r}"))
        problems.extend(check_value(shape.value, item, f"{path}[{key!r}]"))
    return problems


def _string(shape, value, path):
    if not isinstance(value, str):
        return [f"{path}: expected string, got {type(value).__name__}"]
    enum = shape.enum
    if enum and value not in enum:
        return [f"{path}: {value!r} is not one of the enum {shape.name} {list(enum)}"]
    return []


def _integer(shape, value, path):
    # bool is a subclass of int in Python; the wire never confuses them, nor may we.
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{path}: expected {shape.type_name}, got {type(value).__name__}"]
    return []


def _float(shape, value, path):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [f"{path}: expected {shape.type_name}, got {type(value).__name__}"]
    return []


def _boolean(shape, value, path):
    if not isinstance(value, bool):
        return [f"{path}: expected boolean, got {type(value).__name__}"]
    return []


def _timestamp(shape, value, path):
    # botocore parses every timestamp format into a datetime; anything else means the
    # emulator sent a value botocore could not read as a time.
    if not isinstance(value, datetime.datetime):
        return [f"{path}: expected timestamp (datetime), got {type(value).__name__}"]
    return []


def _blob(shape, value, path):
    if isinstance(value, (bytes, bytearray)):
        return []
    if hasattr(value, "read"):  # streaming payload (StreamingBody)
        return []
    return [f"{path}: expected blob (bytes), got {type(value).__name__}"]


_CHECKERS = {
    "structure": _structure,
    "list": _list,
    "map": _map,
    "string": _string,
    "integer": _integer,
    "long": _integer,
    "float": _float,
    "double": _float,
    "boolean": _boolean,
    "timestamp": _timestamp,
    "blob": _blob,
}
