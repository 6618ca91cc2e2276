# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GuardDuty for an organization in one module run: both accounts' steps, every Region at once.

In each Region, in this order (docs/requirements.md#guardduty): the management account's detector,
the delegated administrator, the administrator's detector, the organization configuration
(auto-enable) and the members. The management account acts with the module's credentials; the
administrator through one role session the module opens itself (AccountSessions), so one task does
what took five, each with its own module run. Each step returns what its own module returns for the
Region (guardduty_detector, guardduty_organization_admin, guardduty_organization_configuration,
guardduty_members), so drift reports read them the same way.
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import diff_of
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import (
    GuardDutyError,
    detector_step_result,
    ensure_detector,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_members import run_members
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_organization import (
    ensure_organization_admin,
    ensure_organization_configuration,
    organization_admin_step_result,
    organization_configuration_step_result,
)
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_regions import failure_text

# The keys of a Region's result, in the order the steps run.
STEPS = ("management_detector", "delegated_administrator", "administrator_detector", "organization_configuration",
         "members")


class OrganizationSettings(object):
    """What the module was asked for, normalised once for every Region."""

    def __init__(self, admin_account_id, management_features, features, frequency, record_previous, auto_enable,
                 auto_enable_features, members_params, wait, wait_timeout):
        self.admin_account_id = admin_account_id
        self.management_features = management_features
        self.features = features
        self.frequency = frequency
        self.record_previous = record_previous
        self.auto_enable = auto_enable
        self.auto_enable_features = auto_enable_features
        self.members_params = members_params
        self.wait = wait
        self.wait_timeout = wait_timeout


def _region_diff(result):
    before, after = {}, {}
    for step in STEPS:
        step_result = result.get(step) or {}
        if step_result.get("changed") and isinstance(step_result.get("diff"), dict):
            before[step], after[step] = step_result["diff"].get("before"), step_result["diff"].get("after")
    return diff_of(before, after)


def converge_organization_region(module, clients, region, settings):
    """Every step in ``region``; ``clients`` is (management client, administrator client).

    Returns the Region's result: ``changed``, each step's result under its STEPS key, ``ready`` (false in
    check mode while the delegation or the administrator's detector is still to be made: what depends on
    them is reported, not read) and ``diff`` with --diff. A failing step raises GuardDutyError naming the
    step and its account, carrying the results of the steps before it.
    """
    management, administrator = clients
    check_mode, with_diff = module.check_mode, module._diff
    result = {}

    def step(key, label, work):
        try:
            result[key] = work()
        except GuardDutyError as e:
            if e.details:
                result[key] = dict(e.details)
            raise GuardDutyError("{0}: {1}".format(label, failure_text(e)), error=e.error, **result) from e
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            raise GuardDutyError("{0}: {1}".format(label, failure_text(e)), error=e, **result) from e

    admin_id = settings.admin_account_id
    step("management_detector", "the management account's detector", lambda: detector_step_result(
        ensure_detector(management, region, features=settings.management_features, check_mode=check_mode),
        with_diff))
    step("delegated_administrator", "delegating GuardDuty to account {0}".format(admin_id),
         lambda: organization_admin_step_result(ensure_organization_admin(
             management, region, admin_id, wait=settings.wait, wait_timeout=settings.wait_timeout,
             check_mode=check_mode), with_diff))
    step("administrator_detector", "the detector of administrator account {0}".format(admin_id),
         lambda: detector_step_result(ensure_detector(
             administrator, region, frequency=settings.frequency, features=settings.features,
             check_mode=check_mode, record_previous=settings.record_previous), with_diff))
    result["ready"] = not check_mode or (not result["delegated_administrator"]["changed"]
                                         and bool(result["administrator_detector"]["detector_id"]))
    if result["ready"]:
        step("organization_configuration", "the organization configuration of administrator account {0}".format(
            admin_id), lambda: organization_configuration_step_result(ensure_organization_configuration(
                administrator, region, auto_enable=settings.auto_enable, features=settings.auto_enable_features,
                check_mode=check_mode), with_diff))
        step("members", "the members of administrator account {0}".format(admin_id),
             lambda: run_members(module, administrator, region, settings.features, params=settings.members_params))
    result["changed"] = any((result.get(key) or {}).get("changed") for key in STEPS)
    if with_diff:
        result["diff"] = _region_diff(result)
    return result
