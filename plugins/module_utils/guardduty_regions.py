# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One GuardDuty task for every Region: a client per Region, the Regions worked on at once.

GuardDuty is regional and every Region is independent, so a module given ``regions`` runs its
single-Region logic (``converge(client, region) -> result``) in a bounded thread pool and
returns the results keyed by Region. An Ansible task costs about half a second of CPU and a
call on AWS 30-100 ms, so one task whose Regions overlap their calls replaces one task (and its
serial calls) per Region. A Region that fails does not stop the others: every failure is
collected and reported together, naming the account and the Region.
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.account_sessions import (
    AccountSessions,
    run_concurrently,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.aws_calls import aws_client
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    error_message,
    fail,
    guardduty_client,
)

# At most this many Regions are worked on at once: AWS's 17 default Regions in two rounds. More
# threads cost more CPU than they save in waiting (the invitations benchmark: 17 Regions and 32 pairs
# at once took 5 s more CPU than 10 and 16; docs/testing.md).
DEFAULT_MAX_WORKERS = 10
# How many failures a module's message spells out (every one is returned in ``errors``).
ERRORS_IN_MESSAGE = 20


def region_options(max_workers=DEFAULT_MAX_WORKERS):
    """The options every GuardDuty module that can act in many Regions adds to its argspec."""
    return dict(
        regions=dict(type="list", elements="str"),
        max_workers=dict(type="int", default=max_workers),
    )


def failure_text(error):
    """What went wrong, in one line: a GuardDutyError's explanation with AWS's words when present."""
    if isinstance(error, GuardDutyError):
        if error.error is not None:
            return "{0}: {1}".format(error.message, error_message(error.error))
        return error.message
    return error_message(error)


def unique_regions(regions):
    """The Regions in their order, each once; an empty name is bad input."""
    seen = []
    for region in regions:
        if not region or not str(region).strip():
            raise GuardDutyError("regions: an empty Region name in {0!r}; list Region codes such as us-east-1."
                                 .format(list(regions)))
        if region not in seen:
            seen.append(region)
    return seen


def converge_regions(client_for, regions, converge, max_workers=DEFAULT_MAX_WORKERS):
    """Run ``converge(client, region)`` in every Region, concurrently.

    ``client_for(region)`` builds the Region's client; it is called in this thread, once per
    Region, before any work starts (building clients shares one botocore loader, which is not
    thread-safe). Returns ``(results, errors)``: ``results`` maps every Region, in the given order,
    to its result dict (for a Region that failed, what the failure carried, with ``error``);
    ``errors`` maps each failed Region to its one-line explanation.
    """
    clients = {region: client_for(region) for region in regions}

    def one(region):
        try:
            return region, converge(clients[region], region), None
        except (GuardDutyError, botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            partial = dict(e.details) if isinstance(e, GuardDutyError) else {}
            return region, partial, failure_text(e)

    results, errors = {}, {}
    for region, outcome, error in run_concurrently(regions, one, max_workers):
        result = dict(outcome or {})
        result.setdefault("changed", False)
        result["error"] = error
        results[region] = result
        if error:
            errors[region] = error
    return results, errors


def combined_diff(results):
    """One diff for the task: the Regions that changed, keyed by Region (each result keeps its own)."""
    before, after = {}, {}
    for region, result in results.items():
        diff = result.get("diff")
        if result.get("changed") and isinstance(diff, dict):
            before[region], after[region] = diff.get("before"), diff.get("after")
    return diff_of(before, after)


def regions_failure_message(errors, total, account_id=None, what="GuardDuty"):
    """``errors`` (Region -> explanation) in one message that names the account and each Region."""
    shown = list(errors.items())[:ERRORS_IN_MESSAGE]
    more = len(errors) - len(shown)
    return "{0} failed in {1} of {2} Region(s){3}: {4}{5}".format(
        what, len(errors), total, " of account {0}".format(account_id) if account_id else "",
        " | ".join("account {0}, {1}: {2}".format(account_id or "?", region, text) if account_id
                   else "{0}: {1}".format(region, text) for region, text in shown),
        " | ... and {0} more (see errors)".format(more) if more else "")


def region_clients(module):
    """``client_for(region)``: the module's own credentials in any Region, from the run's one boto3 session.

    For worker threads: a client that cannot be made raises (aws_client would fail the module from
    the thread). The clients get the same retry policy and the module's ``aws_config``, ``verify``
    and endpoint.
    """
    _region, endpoint_url, connect_params = get_aws_connection_info(module)
    clients = AccountSessions(None, endpoint_url=endpoint_url, connect_params=connect_params)
    own = clients.credentials(None, None)
    return lambda region: clients.guardduty(own, region)


def caller_account_id(module):
    """The account the module's credentials act in, for error messages (None when STS cannot say)."""
    try:
        return aws_client(module, "sts").get_caller_identity(aws_retry=True)["Account"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        return None


def run_guardduty_module(module, converge):
    """Exit ``module`` with ``converge(client, region)`` done in its Region, or in every Region of ``regions``.

    Without ``regions`` the module works in its own ``region`` and returns that Region's result
    as it always has. With ``regions`` it returns ``changed`` (any Region), ``regions`` (the
    results keyed by Region, each with its ``changed``, ``diff`` under --diff, and ``error``),
    ``errors`` and one ``diff`` keyed by Region; when any Region failed it fails after every
    Region has been handled, with one message naming the account and each failed Region.
    """
    if module.params.get("regions") is None:
        try:
            result = converge(guardduty_client(module), module.region)
        except GuardDutyError as e:
            fail(module, e)
        module.exit_json(**result)

    try:
        regions = unique_regions(module.params["regions"])
    except GuardDutyError as e:
        fail(module, e)
    results, errors = converge_regions(
        region_clients(module),
        regions,
        converge,
        max_workers=module.params["max_workers"],
    )
    exit_with_regions(module, regions, results, errors)


def exit_with_regions(module, regions, results, errors, what="GuardDuty"):
    """Exit ``module`` with converge_regions' ``results`` and ``errors``: ``changed`` (any Region), ``regions``,
    ``errors`` and, with --diff, one diff keyed by Region; when any Region failed, fail with one message naming
    the caller's account and each failed Region."""
    outcome = dict(
        changed=any(result["changed"] for result in results.values()),
        regions=results,
        errors=["{0}: {1}".format(region, text) for region, text in errors.items()],
    )
    if module._diff:
        outcome["diff"] = combined_diff(results)
    if errors:
        module.fail_json(msg=regions_failure_message(errors, len(regions), caller_account_id(module), what=what),
                         **outcome)
    module.exit_json(**outcome)
