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
    if shape is None:
        return json.dumps({})
    convert = _converter(shape)
    return json.dumps(convert(result) if convert is not None else result)


@functools.cache
def _converter(shape):
    """A function from a value of ``shape`` to its wire form, or None when the value is its own wire
    form (strings, numbers, booleans, and lists and maps of them). Built once per shape: a
    GetMemberDetectors page repeats the same shapes fifty times over."""
    kind = shape.type_name
    if kind == "structure":
        return _structure_converter(shape)
    if kind == "list":
        item = _converter(shape.member)
        return None if item is None else (lambda value: [item(one) for one in value])
    if kind == "map":
        item = _converter(shape.value)
        return None if item is None else (lambda value: {key: item(one) for key, one in value.items()})
    if kind == "timestamp":
        return lambda value: value.timestamp() if isinstance(value, datetime.datetime) else value
    return None


def _structure_converter(shape):
    # member name -> (wire name, converter), built on first use (so recursive shapes terminate) and
    # published whole: request threads never see a half-built table.
    built = {}

    def convert(value):
        fields = built.get("fields")
        if fields is None:
            fields = dict((name, (member.serialization.get("name", name), _converter(member)))
                          for name, member in shape.members.items())
            built["fields"] = fields
        out = {}
        for name, item in value.items():
            if item is None:
                continue
            wire_name, item_converter = fields[name]
            out[wire_name] = item if item_converter is None else item_converter(item)
        return out

    return convert
