"""Every GuardDuty fact of the emulated AWS, in one place.

GuardDuty is regional: one detector per account per region, and administrator/member
relationships, invitations and organization configuration all exist per region
(user guide, "Managing multiple accounts"). moto keeps state per account and region; the
relationships here cross accounts, so they live in one module-level store behind one lock,
cleared by ``reset()``.
"""

from __future__ import annotations

import datetime
import threading
import uuid

from .features import FeatureSet, OrganizationFeatures, now

LOCK = threading.RLock()


class Detector:
    def __init__(self, account: str, region: str, enable: bool, frequency: str | None, features: FeatureSet, tags):
        self.id = uuid.uuid4().hex
        self.account = account
        self.region = region
        self.status = "ENABLED" if enable else "DISABLED"
        self.frequency = frequency or "SIX_HOURS"
        self.features = features
        self.tags: dict[str, str] = dict(tags or {})
        self.created_at = now()
        self.updated_at = self.created_at
        self.destinations: dict[str, Destination] = {}
        self.findings: dict[str, dict] = {}
        self.filters: dict[str, dict] = {}

    @property
    def arn(self) -> str:
        return f"arn:aws:guardduty:{self.region}:{self.account}:detector/{self.id}"

    @property
    def service_role(self) -> str:
        role = "aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
        return f"arn:aws:iam::{self.account}:role/{role}"


class Destination:
    def __init__(self, detector: Detector, destination_arn: str, kms_key_arn: str, tags):
        self.id = uuid.uuid4().hex
        self.detector = detector
        self.destination_arn = destination_arn
        self.kms_key_arn = kms_key_arn
        self.tags: dict[str, str] = dict(tags or {})
        # API_DescribePublishingDestination: a new destination is PENDING_VERIFICATION until
        # GuardDuty has checked it; reported once as such, then PUBLISHING (or UNABLE_...).
        self.status = "PENDING_VERIFICATION"
        self.verification_reported = False
        self.failure_started: int = 0

    @property
    def arn(self) -> str:
        return f"{self.detector.arn}/publishingDestination/{self.id}"


class Member:
    """The administrator's record of one member account (API reference, Member)."""

    def __init__(self, account: str, administrator: str, email: str, status: str):
        self.account = account
        self.administrator = administrator
        self.email = email
        self.status = status
        self.invited_at: datetime.datetime | None = None
        self.updated_at = now()
        self.invitation_id: str | None = None
        self.via_organization = False

    def set_status(self, status: str) -> None:
        self.status = status
        self.updated_at = now()


class Invitation:
    def __init__(self, administrator: str, message: str | None):
        self.id = uuid.uuid4().hex
        self.administrator = administrator
        self.message = message
        self.invited_at = now()


class OrganizationConfiguration:
    def __init__(self):
        self.auto_enable_members = "NONE"
        self.features = OrganizationFeatures()
        # When auto-enable last changed: NEW applies to accounts that join after it.
        self.members_since = now()
        # ALL enrols the existing accounts in the background: account -> when it becomes a member.
        self.enrolment_due: dict[str, datetime.datetime] = {}
        # Features set to ALL reach the existing members in the background, at this time.
        self.features_due: datetime.datetime | None = None


class Store:
    def __init__(self):
        # (account, region) -> Detector; one per account and region.
        self.detectors: dict[tuple[str, str], Detector] = {}
        # (organization id, region) -> {"account": id, "status": ENABLED|DISABLE_IN_PROGRESS}
        self.org_admins: dict[tuple[str, str], dict] = {}
        # (administrator, region) -> {member account -> Member}
        self.members: dict[tuple[str, str], dict[str, Member]] = {}
        # (member account, region) -> administrator whose membership it accepted / was given
        self.administrator_of: dict[tuple[str, str], str] = {}
        # (member account, region) -> {administrator -> Invitation} still pending
        self.invitations: dict[tuple[str, str], dict[str, Invitation]] = {}
        # (administrator, region) -> OrganizationConfiguration
        self.org_configs: dict[tuple[str, str], OrganizationConfiguration] = {}

    # -- lookups -----------------------------------------------------------------------
    def detector(self, account: str, region: str) -> Detector | None:
        return self.detectors.get((account, region))

    def members_of(self, administrator: str, region: str) -> dict[str, Member]:
        return self.members.setdefault((administrator, region), {})

    def org_config(self, administrator: str, region: str) -> OrganizationConfiguration:
        return self.org_configs.setdefault((administrator, region), OrganizationConfiguration())


STORE = Store()


def reset() -> None:
    with LOCK:
        STORE.__init__()


def store() -> Store:
    return STORE
