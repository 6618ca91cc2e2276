"""Set-up steps shared by the GuardDuty emulator tests."""

from __future__ import annotations

MANAGEMENT = "123456789012"
ALL_FEATURES = (
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "EKS_RUNTIME_MONITORING",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
)


def feature_status(detector_or_member: dict) -> dict[str, str]:
    return {feature["Name"]: feature["Status"] for feature in detector_or_member["Features"]}


def delegate_admin(aws, admin: str, region: str = "us-east-1") -> tuple:
    """Trusted access + delegated admin ``admin``; returns (admin client, admin detector id)."""
    aws("organizations").enable_aws_service_access(ServicePrincipal="guardduty.amazonaws.com")
    aws("guardduty", region).enable_organization_admin_account(AdminAccountId=admin)
    client = aws("guardduty", region, admin)
    return client, client.create_detector(Enable=True)["DetectorId"]
