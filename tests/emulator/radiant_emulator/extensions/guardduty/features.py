"""Detector protection plans (features) as GuardDuty reports and merges them.

API reference pages: DetectorFeatureConfiguration, DetectorFeatureConfigurationResult,
DetectorAdditionalConfiguration, CreateDetector ("features" - "all optional features not
specified are enabled, except RUNTIME_MONITORING"), UpdateDetector (features given are
updated; features not given are left as they are).
"""

from __future__ import annotations

import datetime

from .errors import OUT_OF_RANGE, bad_request

# Always on: GuardDuty's foundational data sources (user guide, "Foundational data sources").
FOUNDATIONAL = ("CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS")
# Optional protection plans and the additional configuration each one carries.
OPTIONAL = {
    "S3_DATA_EVENTS": (),
    "EKS_AUDIT_LOGS": (),
    "EBS_MALWARE_PROTECTION": (),
    "RDS_LOGIN_EVENTS": (),
    "EKS_RUNTIME_MONITORING": ("EKS_ADDON_MANAGEMENT",),
    "LAMBDA_NETWORK_LOGS": (),
    "RUNTIME_MONITORING": ("EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"),
}
# CreateDetector: "all the optional features ... not specified are enabled except RUNTIME_MONITORING".
DISABLED_BY_DEFAULT = ("RUNTIME_MONITORING",)
# API reference, DetectorFeatureConfiguration / MemberFeaturesConfiguration /
# OrganizationFeatureConfiguration, Name: "Specifying both EKS Runtime Monitoring
# (EKS_RUNTIME_MONITORING) and Runtime Monitoring (RUNTIME_MONITORING) will cause an error."
# The docs say specifying, not enabling: naming both in one request is refused whatever their
# status (docs/emulator-fidelity.md explains the reading).
EXCLUSIVE = ("EKS_RUNTIME_MONITORING", "RUNTIME_MONITORING")
FEATURE_STATUSES = ("ENABLED", "DISABLED")
ORG_AUTO_ENABLE = ("NEW", "ALL", "NONE")


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class FeatureSet:
    """name -> {"Status", "UpdatedAt", "Additional": {name -> {"Status", "UpdatedAt"}}}."""

    def __init__(self, overrides: list[dict] | None = None, default_status=None):
        stamp = now()
        self.features: dict[str, dict] = {}
        for name, additional in OPTIONAL.items():
            if default_status is not None:
                status = default_status
            else:
                status = "DISABLED" if name in DISABLED_BY_DEFAULT else "ENABLED"
            self.features[name] = {
                "Status": status,
                "UpdatedAt": stamp,
                "Additional": {extra: {"Status": "DISABLED", "UpdatedAt": stamp} for extra in additional},
            }
        if overrides:
            self.merge(overrides)

    def merge(self, features: list[dict]) -> bool:
        """Apply features given by name, additional configuration by name; True if anything changed."""
        validate(features)
        stamp = now()
        changed = False
        for feature in features:
            current = self.features[feature["Name"]]
            status = feature.get("Status")
            if status and status != current["Status"]:
                current["Status"] = status
                current["UpdatedAt"] = stamp
                changed = True
            for extra in feature.get("AdditionalConfiguration") or []:
                slot = current["Additional"].get(extra.get("Name"))
                if slot is None:
                    raise bad_request(
                        f"The request is rejected because the additional configuration {extra.get('Name')} "
                        f"is not supported for the feature {feature['Name']}."
                    )
                if extra.get("Status") and extra["Status"] != slot["Status"]:
                    slot["Status"] = extra["Status"]
                    slot["UpdatedAt"] = stamp
                    current["UpdatedAt"] = stamp
                    changed = True
        return changed

    def status(self, name: str) -> str:
        return self.features[name]["Status"]

    def result(self, include_foundational: bool = True, stamp=None) -> list[dict]:
        """Features as GetDetector/GetMemberDetectors report them."""
        out = []
        if include_foundational:
            out.extend({"Name": name, "Status": "ENABLED", "UpdatedAt": stamp or now()} for name in FOUNDATIONAL)
        for name, feature in self.features.items():
            item = {"Name": name, "Status": feature["Status"], "UpdatedAt": feature["UpdatedAt"]}
            if feature["Additional"]:
                item["AdditionalConfiguration"] = [
                    {"Name": extra, "Status": slot["Status"], "UpdatedAt": slot["UpdatedAt"]}
                    for extra, slot in feature["Additional"].items()
                ]
            out.append(item)
        return out

    def data_sources(self, service_role: str) -> dict:
        """Deprecated DataSources view, consistent with the features (DataSourceConfigurationsResult)."""

        def flag(name):
            return {"Status": self.status(name)}

        return {
            "CloudTrail": {"Status": "ENABLED"},
            "DNSLogs": {"Status": "ENABLED"},
            "FlowLogs": {"Status": "ENABLED"},
            "S3Logs": flag("S3_DATA_EVENTS"),
            "Kubernetes": {"AuditLogs": flag("EKS_AUDIT_LOGS")},
            "MalwareProtection": {
                "ScanEc2InstanceWithFindings": {"EbsVolumes": {"Status": self.status("EBS_MALWARE_PROTECTION")}},
                "ServiceRole": service_role,
            },
        }


def validate(features: list[dict]) -> None:
    names = [feature.get("Name") for feature in features]
    for name in names:
        if name not in OPTIONAL:
            raise bad_request(f"The request is rejected because the feature {name} is not supported.")


def validate_request(features: list[dict], value_key: str = "Status") -> None:
    """What GuardDuty checks in a request's Features: enum values, and never both runtime plans."""
    allowed = FEATURE_STATUSES if value_key == "Status" else ORG_AUTO_ENABLE
    for feature in features:
        extras = feature.get("AdditionalConfiguration") or []
        values = [feature.get(value_key)] + [extra.get(value_key) for extra in extras]
        if any(value is not None and value not in allowed for value in values):
            raise bad_request(OUT_OF_RANGE)
    named = {feature.get("Name") for feature in features}
    if all(name in named for name in EXCLUSIVE):
        raise bad_request(
            "The request is rejected because EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot both be "
            "specified in the same request."
        )


def from_data_sources(data_sources: dict | None) -> list[dict]:
    """Deprecated DataSources input mapped to features (API reference, DataSourceConfigurations)."""
    if not data_sources:
        return []
    out = []

    def status(enable):
        return "ENABLED" if enable else "DISABLED"

    if "S3Logs" in data_sources:
        out.append({"Name": "S3_DATA_EVENTS", "Status": status(data_sources["S3Logs"].get("Enable"))})
    audit = (data_sources.get("Kubernetes") or {}).get("AuditLogs")
    if audit is not None:
        out.append({"Name": "EKS_AUDIT_LOGS", "Status": status(audit.get("Enable"))})
    ebs = ((data_sources.get("MalwareProtection") or {}).get("ScanEc2InstanceWithFindings") or {}).get("EbsVolumes")
    if ebs is not None:
        out.append({"Name": "EBS_MALWARE_PROTECTION", "Status": status(ebs)})
    return out


class OrganizationFeatures:
    """Organization auto-enable per feature: name -> {"AutoEnable", "Additional": {name: AutoEnable}}."""

    def __init__(self):
        self.features = {
            name: {"AutoEnable": "NONE", "Additional": {extra: "NONE" for extra in additional}}
            for name, additional in OPTIONAL.items()
        }

    def merge(self, features: list[dict]) -> None:
        for feature in features:
            name = feature.get("Name")
            if name not in self.features:
                raise bad_request(f"The request is rejected because the feature {name} is not supported.")
            current = self.features[name]
            if feature.get("AutoEnable"):
                current["AutoEnable"] = feature["AutoEnable"]
            for extra in feature.get("AdditionalConfiguration") or []:
                if extra.get("Name") not in current["Additional"]:
                    raise bad_request(
                        f"The request is rejected because the additional configuration {extra.get('Name')} "
                        f"is not supported for the feature {name}."
                    )
                if extra.get("AutoEnable"):
                    current["Additional"][extra["Name"]] = extra["AutoEnable"]

    def result(self) -> list[dict]:
        out = []
        for name, feature in self.features.items():
            item = {"Name": name, "AutoEnable": feature["AutoEnable"]}
            if feature["Additional"]:
                item["AdditionalConfiguration"] = [
                    {"Name": extra, "AutoEnable": value} for extra, value in feature["Additional"].items()
                ]
            out.append(item)
        return out

    def as_member_features(self, modes: tuple[str, ...]) -> list[dict]:
        """Feature updates for a member: auto-enabled features (mode in ``modes``) ENABLED."""
        out = []
        for name, feature in self.features.items():
            extras = [
                {"Name": extra, "Status": "ENABLED"} for extra, value in feature["Additional"].items() if value in modes
            ]
            if feature["AutoEnable"] in modes or extras:
                item = {"Name": name}
                if feature["AutoEnable"] in modes:
                    item["Status"] = "ENABLED"
                if extras:
                    item["AdditionalConfiguration"] = extras
                out.append(item)
        return out

    def data_sources(self) -> dict:
        def auto(name):
            return self.features[name]["AutoEnable"] != "NONE"

        return {
            "S3Logs": {"AutoEnable": auto("S3_DATA_EVENTS")},
            "Kubernetes": {"AuditLogs": {"AutoEnable": auto("EKS_AUDIT_LOGS")}},
            "MalwareProtection": {
                "ScanEc2InstanceWithFindings": {"EbsVolumes": {"AutoEnable": auto("EBS_MALWARE_PROTECTION")}}
            },
        }

    def apply_data_sources(self, data_sources: dict | None) -> None:
        if not data_sources:
            return
        mapping = []
        if "S3Logs" in data_sources:
            mapping.append(("S3_DATA_EVENTS", data_sources["S3Logs"].get("AutoEnable")))
        audit = (data_sources.get("Kubernetes") or {}).get("AuditLogs")
        if audit is not None:
            mapping.append(("EKS_AUDIT_LOGS", audit.get("AutoEnable")))
        for name, flag in mapping:
            self.features[name]["AutoEnable"] = "NEW" if flag else "NONE"
