"""The guardduty_organization module's steps in one Region (module_utils guardduty_organization_setup): their
order and accounts, check mode's not-ready Regions, a failing step named with what came before it, and the
options' validation. The steps' own AWS calls are covered by their modules' tests; here they are recorded."""

import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils import guardduty_organization_setup as setup
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty import GuardDutyError
from ansible_collections.radiant.aws_onboarding.plugins.module_utils.guardduty_features import FeatureError
from ansible_collections.radiant.aws_onboarding.plugins.modules.guardduty_organization import (
    argument_spec,
    settings_from_params,
)

ADMIN = "111122223333"
MEMBERS = [{"account_id": "444455556666", "email": "a@x.test"}]


def _params(**given):
    return dict({"regions": ["us-east-1"], "administrator_account_id": ADMIN, "members": MEMBERS,
                 "finding_publishing_frequency": "FIFTEEN_MINUTES", "auto_enable_organization_members": "ALL",
                 "features": [{"name": "S3_DATA_EVENTS"}], "management_features": [{"name": "S3_DATA_EVENTS"}],
                 "auto_enable_features": [{"name": "S3_DATA_EVENTS"}]}, **given)


@pytest.fixture
def steps(monkeypatch):
    """Records each step's client and arguments; ``outcomes`` sets what a step returns (or raises)."""
    calls, outcomes = [], {}

    def detector(client, region, **kwargs):
        calls.append(("detector", client, region, kwargs))
        outcome = outcomes.get(("detector", client), {"changed": False, "after": {"detector_id": "d-" + client}})
        if isinstance(outcome, Exception):
            raise outcome
        return dict({"created": False, "before": outcome["after"], "detector": {"DetectorId": "d-" + client}},
                    **outcome)

    def admin(client, region, account_id, **kwargs):
        calls.append(("admin", client, region, account_id))
        outcome = outcomes.get("admin", {"changed": False})
        if isinstance(outcome, Exception):
            raise outcome
        view = {"admin_account_id": account_id, "admin_status": "ENABLED"}
        return dict({"before": view, "after": view, "admins": {account_id: "ENABLED"}}, **outcome)

    def configuration(client, region, **kwargs):
        calls.append(("configuration", client, region, kwargs["auto_enable"]))
        return {"changed": True, "before": {"auto": "NONE"}, "after": {"auto": "ALL"}, "detector_id": "d",
                "configuration": {}}

    def members(module, client, region, features, params=None):
        calls.append(("members", client, region, params["accounts"]))
        outcome = outcomes.get("members", {"changed": False, "features_pending": []})
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(setup, "ensure_detector", detector)
    monkeypatch.setattr(setup, "ensure_organization_admin", admin)
    monkeypatch.setattr(setup, "ensure_organization_configuration", configuration)
    monkeypatch.setattr(setup, "run_members", members)
    return calls, outcomes


def _run(aws_module, check_mode=False, **given):
    module = aws_module(argument_spec(), _params(**given), check_mode=check_mode)
    settings = settings_from_params(module.params)
    return setup.converge_organization_region(module, ("management", "administrator"), "us-east-1", settings)


def test_every_step_runs_in_order_each_with_its_own_account(aws_module, steps):
    calls, _outcomes = steps
    result = _run(aws_module)
    assert [(call[0], call[1]) for call in calls] == [
        ("detector", "management"), ("admin", "management"), ("detector", "administrator"),
        ("configuration", "administrator"), ("members", "administrator")]
    assert calls[1][3] == ADMIN and calls[3][3] == "ALL"
    assert calls[4][3] == [dict(MEMBERS[0], invite=False)]
    assert calls[2][3]["frequency"] == "FIFTEEN_MINUTES" and calls[0][3].get("frequency") is None
    assert result["ready"] is True and result["changed"] is True  # the configuration changed
    assert result["diff"] == {"before": {"organization_configuration": {"auto": "NONE"}},
                              "after": {"organization_configuration": {"auto": "ALL"}}}
    assert result["administrator_detector"]["detector_id"] == "d-administrator"


def test_check_mode_reports_what_waits_for_the_delegation_as_not_ready_without_reading_it(aws_module, steps):
    calls, outcomes = steps
    outcomes["admin"] = {"changed": True}
    result = _run(aws_module, check_mode=True)
    assert [call[0] for call in calls] == ["detector", "admin", "detector"]
    assert result["ready"] is False and result["changed"] is True
    assert "organization_configuration" not in result and "members" not in result


def test_check_mode_reads_everything_once_the_delegation_and_detector_exist(aws_module, steps):
    calls, _outcomes = steps
    result = _run(aws_module, check_mode=True)
    assert [call[0] for call in calls][-2:] == ["configuration", "members"]
    assert result["ready"] is True


def test_a_failing_step_names_itself_and_its_account_and_keeps_the_steps_before_it(aws_module, steps):
    calls, outcomes = steps
    outcomes["admin"] = GuardDutyError("account 999988887777 is already the delegated administrator")
    with pytest.raises(GuardDutyError) as raised:
        _run(aws_module)
    assert raised.value.message.startswith("delegating GuardDuty to account {0}: account 999988887777".format(ADMIN))
    assert raised.value.details["management_detector"]["detector_id"] == "d-management"
    assert [call[0] for call in calls] == ["detector", "admin"]  # nothing after the failure


def test_a_members_failure_keeps_what_the_members_step_carried(aws_module, steps):
    _calls, outcomes = steps
    outcomes["members"] = GuardDutyError("GuardDuty could not verify the email", pending=["444455556666"])
    with pytest.raises(GuardDutyError) as raised:
        _run(aws_module)
    assert raised.value.message.startswith("the members of administrator account {0}: ".format(ADMIN))
    assert raised.value.details["members"] == {"pending": ["444455556666"]}
    assert raised.value.details["organization_configuration"]["changed"] is True


def test_features_that_cannot_go_together_are_refused_before_any_call(aws_module):
    module = aws_module(argument_spec(), _params(features=[{"name": "EKS_RUNTIME_MONITORING"},
                                                           {"name": "RUNTIME_MONITORING"}]))
    with pytest.raises(FeatureError):
        settings_from_params(module.params)
