"""Findings filters (suppression rules), kept on the detector in the one store.

moto has filters, but on its own per-account detectors, which no longer exist once this
extension owns detectors; API reference: CreateFilter, GetFilter, ListFilters, UpdateFilter,
DeleteFilter (Action ARCHIVE | NOOP, default NOOP; Rank 1-100, default: after the last).
"""

from __future__ import annotations

from .errors import bad_request
from .features import now
from .operations import own_detector, paginate
from .state import LOCK

NOT_FOUND = "The request is rejected since no such resource found."  # moto's and AWS's text


def _filter(detector, name: str) -> dict:
    found = detector.filters.get(name)
    if found is None:
        raise bad_request(NOT_FOUND)
    return found


def create_filter(account, region, params):
    with LOCK:
        detector = own_detector(account, region, params["DetectorId"])
        name = params["Name"]
        if name in detector.filters:
            raise bad_request("The request is rejected because a filter with the same name already exists.")
        stamp = now()
        detector.filters[name] = {
            "Name": name,
            "Description": params.get("Description", ""),
            "Action": params.get("Action") or "NOOP",
            "Rank": params.get("Rank") or len(detector.filters) + 1,
            "FindingCriteria": params["FindingCriteria"],
            "Tags": dict(params.get("Tags") or {}),
            "CreatedAt": stamp,
            "UpdatedAt": stamp,
            "Version": 1,
        }
        return {"Name": name}


def get_filter(account, region, params):
    with LOCK:
        return dict(_filter(own_detector(account, region, params["DetectorId"]), params["FilterName"]))


def list_filters(account, region, params):
    with LOCK:
        names = sorted(own_detector(account, region, params["DetectorId"]).filters)
    page, extra = paginate(names, params)
    return {"FilterNames": page, **extra}


def update_filter(account, region, params):
    with LOCK:
        found = _filter(own_detector(account, region, params["DetectorId"]), params["FilterName"])
        for key in ("Description", "Action", "Rank", "FindingCriteria"):
            if key in params:
                found[key] = params[key]
        found["UpdatedAt"] = now()
        found["Version"] += 1
        return {"Name": found["Name"]}


def delete_filter(account, region, params):
    with LOCK:
        detector = own_detector(account, region, params["DetectorId"])
        _filter(detector, params["FilterName"])
        del detector.filters[params["FilterName"]]
        return {}


OPERATIONS = {
    "CreateFilter": create_filter,
    "GetFilter": get_filter,
    "ListFilters": list_filters,
    "UpdateFilter": update_filter,
    "DeleteFilter": delete_filter,
}
