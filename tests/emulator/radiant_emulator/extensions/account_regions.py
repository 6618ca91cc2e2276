"""Account Management's Region opt-in: ListRegions, GetRegionOptStatus, EnableRegion,
DisableRegion (moto 5.2.5 has none of them).

AWS behaviour followed (Account Management API reference, e.g.
https://docs.aws.amazon.com/accounts/latest/APIReference/API_ListRegions.html, and
"Specify which AWS Regions your account can use",
https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html):
- ListRegions lists every Region of the partition with its status; Regions introduced
  before 20 March 2019 are ENABLED_BY_DEFAULT and cannot be disabled, later ones are
  opt-in and DISABLED until enabled. MaxResults 1-50, NextToken paging,
  RegionOptStatusContains filters.
- AccountId lets the management account (or the Account Management delegated
  administrator) act on a member account of its organization, only once trusted access is
  enabled for account.amazonaws.com. The management account cannot name its own id: "The
  management account can only be managed using the standalone context from the
  management account." Without trusted access the API refuses with AccessDeniedException
  (that message text is ours; AWS documents the condition, not the words).
- EnableRegion / DisableRegion move an opt-in Region to ENABLED / DISABLED at once (AWS
  passes through ENABLING / DISABLING for minutes; tests need no delay).
"""

from __future__ import annotations

import functools
import threading

from .. import organizations_state
from ..errors import AwsError

ACCOUNT_SERVICE_PRINCIPAL = "account.amazonaws.com"
# Regions enabled by default in every account (manage-acct-regions.html).
ENABLED_BY_DEFAULT = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-southeast-1", "ap-southeast-2", "ca-central-1",
        "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
    }
)
STANDALONE_ONLY = (
    "User: {caller} is not authorized to perform: account:{operation} (The management account can only be "
    "managed using the standalone context from the management account.)"
)
NO_TRUSTED_ACCESS = (
    "User: {caller} is not authorized to perform: account:{operation} on account {account} (trusted access for "
    "account.amazonaws.com is not enabled in the organization)"
)
NOT_AUTHORIZED = "User: {caller} is not authorized to perform: account:{operation} on account {account}"

_lock = threading.Lock()
_opted: dict[str, dict[str, str]] = {}  # account -> {region: ENABLED|DISABLED} for opt-in Regions


_regions_lock = threading.Lock()


def partition_regions() -> tuple[str, ...]:
    """The aws partition's Regions, read once from botocore's endpoint data (a Session is slow: the
    preflight's first ListRegions calls arrive together, and each built its own, 2 s apiece under load)."""
    with _regions_lock:
        return _partition_regions()


@functools.lru_cache(maxsize=1)
def _partition_regions() -> tuple[str, ...]:
    from boto3 import Session

    return tuple(sorted(Session().get_available_regions("ec2")))


def region_statuses(account_id: str) -> dict[str, str]:
    with _lock:
        opted = dict(_opted.get(account_id, {}))
    return {
        region: "ENABLED_BY_DEFAULT" if region in ENABLED_BY_DEFAULT else opted.get(region, "DISABLED")
        for region in partition_regions()
    }


def set_opt_in(account_id: str, region: str, status: str) -> None:
    with _lock:
        _opted.setdefault(account_id, {})[region] = status


def reset() -> None:
    with _lock:
        _opted.clear()


def _caller_arn(response) -> str:
    from moto.sts.models import sts_backends

    backend = sts_backends[response.current_account]["aws"]
    _user_id, arn, _account = backend.get_caller_identity(response.get_access_key(), response.region)
    return arn


def _target_account(response, operation: str) -> str:
    """The account the request acts on, after AWS's organization checks."""
    caller = response.current_account
    target = response._get_param("AccountId")
    if not target or target == caller and not organizations_state.is_management_account(caller):
        return caller
    arn = _caller_arn(response)
    if target == caller:
        raise AwsError("AccessDeniedException", STANDALONE_ONLY.format(caller=arn, operation=operation))
    caller_org = organizations_state.organization_of(caller)
    target_org = organizations_state.organization_of(target)
    allowed = caller_org is not None and target_org is not None and caller_org.id == target_org.id and (
        caller_org.management_account_id == caller
        or organizations_state.is_delegated_administrator(caller, ACCOUNT_SERVICE_PRINCIPAL)
    )
    if not allowed:
        raise AwsError("AccessDeniedException", NOT_AUTHORIZED.format(caller=arn, operation=operation, account=target))
    if not organizations_state.trusted_access_enabled(ACCOUNT_SERVICE_PRINCIPAL, caller):
        raise AwsError("AccessDeniedException", NO_TRUSTED_ACCESS.format(caller=arn, operation=operation,
                                                                         account=target))
    return target


def _region_param(response) -> str:
    region = response._get_param("RegionName")
    if region not in partition_regions():
        raise AwsError("ValidationException", f"Invalid region name: {region}")
    return region


def list_regions(self):
    from moto.core.responses import ActionResult

    account = _target_account(self, "ListRegions")
    wanted = self._get_param("RegionOptStatusContains") or []
    max_results = int(self._get_param("MaxResults") or 20)
    if not 1 <= max_results <= 50:
        raise AwsError("ValidationException", "MaxResults must be between 1 and 50.")
    regions = [
        {"RegionName": name, "RegionOptStatus": status}
        for name, status in region_statuses(account).items()
        if not wanted or status in wanted
    ]
    start = int(self._get_param("NextToken") or 0)
    result = {"Regions": regions[start:start + max_results]}
    if start + max_results < len(regions):
        result["NextToken"] = str(start + max_results)
    return ActionResult(result)


def get_region_opt_status(self):
    from moto.core.responses import ActionResult

    account = _target_account(self, "GetRegionOptStatus")
    region = _region_param(self)
    return ActionResult({"RegionName": region, "RegionOptStatus": region_statuses(account)[region]})


def _set_region(self, operation: str, status: str):
    from moto.core.responses import EmptyResult

    account = _target_account(self, operation)
    region = _region_param(self)
    if region in ENABLED_BY_DEFAULT:
        raise AwsError("ValidationException", f"{region} is enabled by default and cannot be opted in or out.")
    set_opt_in(account, region, status)
    return EmptyResult()


def enable_region(self):
    return _set_region(self, "EnableRegion", "ENABLED")


def disable_region(self):
    return _set_region(self, "DisableRegion", "DISABLED")


def install() -> None:
    from moto.account import urls
    from moto.account.responses import AccountResponse

    for name, handler in (
        ("listRegions", list_regions),
        ("getRegionOptStatus", get_region_opt_status),
        ("enableRegion", enable_region),
        ("disableRegion", disable_region),
    ):
        urls.url_paths["{0}/" + name + "$"] = AccountResponse.dispatch
        setattr(AccountResponse, handler.__name__, handler)
