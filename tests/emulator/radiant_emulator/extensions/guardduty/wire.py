"""Response bodies in GuardDuty's restJson1 wire form, written straight from botocore's shapes.

moto's generic serializer resolves every member through several indirections and
dominated the cost of a GuardDuty call; this walks the output shape once per value:
member names become their ``locationName`` (camelCase), timestamps epoch seconds.
"""

from __future__ import annotations

import datetime
import functools
import json

from moto.core.utils import get_service_model


@functools.cache
def output_shape(operation: str):
    return get_service_model("guardduty").operation_model(operation).output_shape


@functools.cache
def http_status(operation: str) -> int:
    return int(get_service_model("guardduty").operation_model(operation).http.get("responseCode", 200))


def body(operation: str, result: dict) -> str:
    shape = output_shape(operation)
    return json.dumps(_value(shape, result) if shape is not None else {})


def _value(shape, value):
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        return {
            members[name].serialization.get("name", name): _value(members[name], item)
            for name, item in value.items()
            if item is not None
        }
    if kind == "list":
        return [_value(shape.member, item) for item in value]
    if kind == "map":
        return {key: _value(shape.value, item) for key, item in value.items()}
    if kind == "timestamp" and isinstance(value, datetime.datetime):
        return value.timestamp()
    return value
