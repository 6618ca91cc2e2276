# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers every module of this collection shares: batching, bounded waits, diffs."""

import json
import time

# GuardDuty's batch operations take 1-50 account ids (API reference, e.g. CreateMembers).
GUARDDUTY_BATCH_SIZE = 50


def batched(items, size=GUARDDUTY_BATCH_SIZE):
    """Yield consecutive lists of at most ``size`` items, keeping order."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


class WaitTimeout(Exception):
    """A bounded wait ran out; ``last`` holds the last value seen."""

    def __init__(self, message, last=None):
        super(WaitTimeout, self).__init__(message)
        self.last = last


def wait_for(fetch, ready, timeout=120, delay=2, description="the resource", sleep=time.sleep, clock=time.monotonic):
    """Call ``fetch()`` until ``ready(value)`` is true, for at most ``timeout`` seconds.

    Returns the ready value. Raises WaitTimeout naming ``description`` and carrying the
    last value seen, so the caller can say what state AWS was stuck in.
    """
    deadline = clock() + timeout
    while True:
        value = fetch()
        if ready(value):
            return value
        if clock() >= deadline:
            raise WaitTimeout(
                "Timed out after {0} s waiting for {1}; last state: {2!r}".format(timeout, description, value),
                last=value,
            )
        sleep(delay)


WAIT_TIMEOUT = 120


def wait_argument_spec(timeout=WAIT_TIMEOUT, switch=True, wait=True):
    """The argument spec of the wait options (doc fragment radiant.aws_onboarding.wait, or its
    TIMEOUT part when ``switch`` is false: the module always waits, up to ``timeout`` seconds).
    ``wait`` is the switch's default."""
    spec = {"wait_timeout": dict(type="int", default=timeout)}
    if switch:
        spec["wait"] = dict(type="bool", default=wait)
    return spec


def policy_document(value):
    """A policy given as JSON text or as a dict, as a dict."""
    if value is None or isinstance(value, dict):
        return value
    return json.loads(value)


def diff_of(before, after, before_header=None, after_header=None):
    """The dict Ansible expects in ``diff``: before/after, optionally with headers."""
    diff = {"before": before, "after": after}
    if before_header:
        diff["before_header"] = before_header
    if after_header:
        diff["after_header"] = after_header
    return diff


def controller_files_argument_spec():
    """The options of controller_files (its action plugin does the work; the module only documents it)."""
    return dict(
        files=dict(type="list", elements="dict", required=True, options=dict(
            path=dict(type="path", required=True),
            content=dict(type="str", required=True),
            mode=dict(type="str", default="0644"),
        )),
        directory_mode=dict(type="str", default="0755"),
    )
