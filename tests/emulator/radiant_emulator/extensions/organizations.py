"""Organizations: who may manage trusted access and delegated administrators, as AWS checks.

moto runs these operations against the caller's own backend, so a member account
"enables" trusted access in an organization of its own and the management account never
sees it. AWS allows the writes only from the management account and the reads also from a
delegated administrator:
- EnableAWSServiceAccess / DisableAWSServiceAccess / RegisterDelegatedAdministrator /
  DeregisterDelegatedAdministrator: "This operation can be called only from the
  organization's management account."
- ListAWSServiceAccessForOrganization / ListDelegatedAdministrators /
  ListDelegatedServicesForAccount: "... or by a member account that is a delegated
  administrator for an Amazon Web Services service."
  (Organizations API Reference, each operation's page, e.g.
  https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnableAWSServiceAccess.html)
A member account gets AccessDeniedException; an account in no organization gets
AWSOrganizationsNotInUseException (API Reference, "Common errors" of each operation).

Delegated administrators: AWS lists the services that support one in
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services_list.html
(moto's list misses CloudTrail, StackSets and GuardDuty Malware Protection). A service must
be integrated with the organization (trusted access enabled) before one of its accounts
can be its delegated administrator ("Enabling trusted access" comes first in each
service's delegated-admin procedure, e.g.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html);
the API Reference gives no message for this case, so the text below is ours.
"""

from __future__ import annotations

import functools

from .. import organizations_state
from ..errors import AwsError

ACCESS_DENIED = "You don't have permissions to access this resource."
NOT_IN_USE = "Your account is not a member of an organization."
TRUSTED_ACCESS_REQUIRED = (
    "You must enable trusted access for {principal} with AWS Organizations before you register "
    "a delegated administrator for it."
)

EXTRA_DELEGATED_ADMIN_SERVICES = [
    "cloudtrail.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "stacksets.cloudformation.amazonaws.com",
    "malware-protection.guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "inspector2.amazonaws.com",
    "detective.amazonaws.com",
    "config.amazonaws.com",
    "account.amazonaws.com",
]

# Trusted-access principals AWS accepts that moto's list lacks (same user-guide page).
EXTRA_TRUSTED_SERVICES = ["malware-protection.guardduty.amazonaws.com"]

MANAGEMENT_ONLY = [
    "enable_aws_service_access",
    "disable_aws_service_access",
    "register_delegated_administrator",
    "deregister_delegated_administrator",
]
MANAGEMENT_OR_DELEGATED_ADMIN = [
    "list_aws_service_access_for_organization",
    "list_delegated_administrators",
    "list_delegated_services_for_account",
    # Reading the tree: same sentence on each page (e.g. API_ListRoots.html,
    # API_ListAccountsForParent.html, API_ListOrganizationalUnitsForParent.html); moto lets
    # any member read it. DescribeOrganization stays open to every member, as in AWS.
    "list_roots",
    "list_accounts",
    "list_accounts_for_parent",
    "list_organizational_units_for_parent",
    "list_parents",
    "list_children",
    "describe_account",
    "describe_organizational_unit",
]


def _caller_organization(backend):
    """The management backend the caller belongs to; raises AWS's errors otherwise."""
    if backend.org is not None:
        return backend
    management = organizations_state.management_backend(backend.account_id)
    if management is None:
        raise AwsError("AWSOrganizationsNotInUseException", NOT_IN_USE)
    return management


def _management_only(original):
    @functools.wraps(original)
    def wrapper(self, **kwargs):
        management = _caller_organization(self)
        if management is not self:
            raise AwsError("AccessDeniedException", ACCESS_DENIED)
        return original(self, **kwargs)

    return wrapper


def _management_or_delegated_admin(original):
    @functools.wraps(original)
    def wrapper(self, **kwargs):
        management = _caller_organization(self)
        if management is not self:
            is_delegated_admin = any(admin.account.id == self.account_id for admin in management.admins)
            if not is_delegated_admin:
                raise AwsError("AccessDeniedException", ACCESS_DENIED)
        return original(management, **kwargs)

    return wrapper


def _requires_trusted_access(original):
    @functools.wraps(original)
    def wrapper(self, **kwargs):
        principal = kwargs.get("ServicePrincipal", "")
        if not any(service["ServicePrincipal"] == principal for service in self.services):
            from moto.organizations.models import FakeDelegatedAdministrator

            if FakeDelegatedAdministrator.supported_service(principal):
                raise AwsError(
                    "ConstraintViolationException", TRUSTED_ACCESS_REQUIRED.format(principal=principal)
                )
        return original(self, **kwargs)

    return wrapper


def install() -> None:
    from moto.organizations.models import FakeDelegatedAdministrator, FakeServiceAccess, OrganizationsBackend

    if getattr(OrganizationsBackend, "_radiant_organizations", False):
        return

    for principal in EXTRA_TRUSTED_SERVICES:
        if principal not in FakeServiceAccess.TRUSTED_SERVICES:
            FakeServiceAccess.TRUSTED_SERVICES.append(principal)
    for principal in EXTRA_DELEGATED_ADMIN_SERVICES:
        if principal not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
            FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(principal)
    # Innermost first: the trusted-access check runs once the caller is known to be management.
    OrganizationsBackend.register_delegated_administrator = _requires_trusted_access(
        OrganizationsBackend.register_delegated_administrator
    )
    for name in MANAGEMENT_ONLY:
        setattr(OrganizationsBackend, name, _management_only(getattr(OrganizationsBackend, name)))
    for name in MANAGEMENT_OR_DELEGATED_ADMIN:
        setattr(OrganizationsBackend, name, _management_or_delegated_admin(getattr(OrganizationsBackend, name)))
    OrganizationsBackend._radiant_organizations = True
