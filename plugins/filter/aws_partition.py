# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ARNs and service principals in the caller's partition, for roles (the logic lives in module_utils/arns.py)."""

from ansible.errors import AnsibleFilterError

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import arns


def _filter_errors(function):
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValueError as error:
            raise AnsibleFilterError("{0}: {1}".format(function.__name__, error)) from error
    return wrapped


@_filter_errors
def arn(partition, service, region="", account="", resource=""):
    """One ARN, or a list of them when ``account`` is a list (one per account, in order)."""
    if isinstance(account, (list, tuple)):
        return [arns.arn(partition, service, region, str(one), resource) for one in account]
    return arns.arn(partition, service, region, str(account), resource)


@_filter_errors
def arn_partition(arn_text):
    return arns.partition_of_arn(arn_text)


def region_partition(region):
    """The partition of a Region name, e.g. of the Region the controller's global calls go to."""
    return arns.partition_for_region(region)


@_filter_errors
def service_principal(service, partition):
    return arns.service_principal(service, partition)


class FilterModule(object):
    def filters(self):
        return {"arn": arn, "arn_partition": arn_partition, "region_partition": region_partition,
                "service_principal": service_principal}
