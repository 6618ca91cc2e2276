# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GuardDuty protection plans (features) compared as sets, never as ordered lists.

One normalised shape serves detectors, member detectors and the organization
configuration::

    {"S3_DATA_EVENTS": {"value": "ENABLED", "additional": {}},
     "RUNTIME_MONITORING": {"value": "ENABLED", "additional": {"EKS_ADDON_MANAGEMENT": "DISABLED"}}}

``value`` is the feature's ``Status`` (detectors, members) or ``AutoEnable``
(organization configuration). Listed features are managed; features and additional
configurations that are not listed are left alone unless ``purge`` is asked for.
No network here: everything is pure and unit-tested.
"""


# Always-on foundational sources GetDetector reports as features; nobody can switch them.
FOUNDATIONAL_SOURCES = frozenset(("CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS"))

# Optional protection plans of CreateDetector/UpdateDetector (botocore's DetectorFeature).
DETECTOR_FEATURES = (
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "EKS_RUNTIME_MONITORING",
    "RUNTIME_MONITORING",
)

# CreateDetector enables every optional plan it is not told about, except Runtime
# Monitoring (GuardDuty API reference, CreateDetector "Features"; docs/requirements.md#protection-plans).
NOT_ENABLED_ON_CREATE = frozenset(("RUNTIME_MONITORING",))

# GuardDuty refuses both at once (user guide, "Runtime Monitoring": migrating from EKS
# Runtime Monitoring).
MUTUALLY_EXCLUSIVE = ("EKS_RUNTIME_MONITORING", "RUNTIME_MONITORING")

ENABLED = "ENABLED"
DISABLED = "DISABLED"
AUTO_ENABLE_NONE = "NONE"


class FeatureError(ValueError):
    """The requested features cannot be applied as written (the message says why)."""


def features_from_api(features, value_key="Status"):
    """Normalise a GuardDuty ``Features`` list (detector, member or organization)."""
    result = {}
    for feature in features or []:
        name = feature.get("Name")
        if not name:
            continue
        additional = {}
        for extra in feature.get("AdditionalConfiguration") or []:
            if extra.get("Name"):
                additional[extra["Name"]] = extra.get(value_key)
        result[name] = {"value": feature.get(value_key), "additional": additional}
    return result


def features_from_params(features, value_option="status"):
    """Normalise the module option ``features`` (list of dicts with snake_case keys)."""
    result = {}
    for feature in features or []:
        name = feature["name"]
        if name in result:
            raise FeatureError("Feature {0} is listed twice; list each protection plan once.".format(name))
        additional = {}
        for extra in feature.get("additional_configuration") or []:
            if extra["name"] in additional:
                raise FeatureError(
                    "Additional configuration {0} of {1} is listed twice.".format(extra["name"], name)
                )
            additional[extra["name"]] = extra[value_option]
        result[name] = {"value": feature[value_option], "additional": additional}
    return result


def check_exclusive(desired, on_value=ENABLED):
    """Refuse EKS_RUNTIME_MONITORING and RUNTIME_MONITORING enabled together."""
    both = [name for name in MUTUALLY_EXCLUSIVE if desired.get(name, {}).get("value") == on_value]
    if len(both) == len(MUTUALLY_EXCLUSIVE):
        raise FeatureError(
            "EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot both be enabled: RUNTIME_MONITORING "
            "(with the EKS_ADDON_MANAGEMENT additional configuration) replaces EKS Runtime Monitoring. "
            "Keep one of them."
        )


def split_exclusive(features):
    """Feature maps to send one request each, never both runtime-monitoring plans in one.

    GuardDuty API reference (DetectorFeatureConfiguration and the member and organization
    variants): "Specifying both EKS Runtime Monitoring (EKS_RUNTIME_MONITORING) and Runtime
    Monitoring (RUNTIME_MONITORING) will cause an error" - whatever their status. The plan being
    switched off goes first, so the two are never on together.
    """
    if not all(name in features for name in MUTUALLY_EXCLUSIVE):
        return [features] if features else []
    first, second = MUTUALLY_EXCLUSIVE
    if features[first]["value"] in (ENABLED, "NEW", "ALL"):
        first, second = second, first
    alone = {first: features[first]}
    rest = dict((name, value) for name, value in features.items() if name != first)
    return [alone, rest]


def copy_features(features):
    """A copy of normalised features that shares nothing with them (deepcopy's result, without its cost:
    plan_features runs once per member, 17,000 times in a 1,000-member, 17-Region re-run)."""
    return {name: {"value": feature["value"], "additional": dict(feature["additional"])}
            for name, feature in features.items()}


def plan_features(current, desired, purge=False, off_value=DISABLED):
    """Compare ``current`` with ``desired`` (both normalised) as sets.

    Returns ``(changes, after)``: ``changes`` maps each feature that must be sent to
    AWS to its complete target (value plus every additional configuration, current ones
    merged with the requested ones, so nothing is dropped by omission); ``after`` is the
    whole predicted state. ``purge`` switches off (``off_value``) the features and the
    additional configurations that are not listed, foundational sources excepted.
    """
    after = copy_features(current)
    changes = {}
    for name, wanted in desired.items():
        now = current.get(name, {"value": None, "additional": {}})
        target_additional = dict(now["additional"])
        target_additional.update(wanted["additional"])
        if purge:
            for extra_name, value in now["additional"].items():
                if extra_name not in wanted["additional"] and value != off_value:
                    target_additional[extra_name] = off_value
        target = {"value": wanted["value"], "additional": target_additional}
        if target != now:
            changes[name] = target
            after[name] = target
    if purge:
        for name, now in current.items():
            if name in desired or name in FOUNDATIONAL_SOURCES:
                continue
            if now["value"] != off_value:
                target = {"value": off_value, "additional": dict(now["additional"])}
                changes[name] = target
                after[name] = target
    return changes, after


def features_on_create(desired, purge=False, known=DETECTOR_FEATURES):
    """What CreateDetector should be sent, and the state it will produce.

    Returns ``(to_send, predicted)``. AWS enables unmentioned plans except Runtime
    Monitoring, so with ``purge`` every known plan that is not listed is sent DISABLED.
    """
    to_send = copy_features(desired)
    predicted = {}
    for name in known:
        default = DISABLED if name in NOT_ENABLED_ON_CREATE else ENABLED
        predicted[name] = {"value": default, "additional": {}}
        if purge and name not in desired:
            to_send[name] = {"value": DISABLED, "additional": {}}
    predicted.update(copy_features(to_send))
    return to_send, predicted


def features_to_api(features, value_key="Status"):
    """The ``Features`` list for an API call, sorted by name so requests are stable."""
    result = []
    for name in sorted(features):
        feature = features[name]
        entry = {"Name": name, value_key: feature["value"]}
        if feature["additional"]:
            entry["AdditionalConfiguration"] = [
                {"Name": extra_name, value_key: feature["additional"][extra_name]}
                for extra_name in sorted(feature["additional"])
            ]
        result.append(entry)
    return result


def features_to_result(features, value_option="status"):
    """The documented snake_case return shape: list sorted by name."""
    result = []
    for name in sorted(features):
        feature = features[name]
        result.append(
            {
                "name": name,
                value_option: feature["value"],
                "additional_configuration": [
                    {"name": extra_name, value_option: feature["additional"][extra_name]}
                    for extra_name in sorted(feature["additional"])
                ],
            }
        )
    return result


def features_for_diff(features, value_option="status"):
    """Name-keyed view for before/after diffs: order can never show up as a change."""
    return {
        name: {value_option: feature["value"], "additional_configuration": dict(sorted(feature["additional"].items()))}
        for name, feature in sorted(features.items())
    }


def feature_option_spec(value_option="status", choices=("ENABLED", "DISABLED"), default="ENABLED"):
    """argument_spec of a ``features`` option (detector, members, organization configuration)."""
    value = dict(type="str", choices=list(choices), default=default)
    return dict(
        type="list",
        elements="dict",
        options=dict(
            name=dict(type="str", required=True),
            additional_configuration=dict(
                type="list",
                elements="dict",
                options=dict(name=dict(type="str", required=True), **{value_option: dict(value)}),
            ),
            **{value_option: dict(value)}
        ),
    )
