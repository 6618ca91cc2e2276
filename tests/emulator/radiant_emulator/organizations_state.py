"""Read-only questions about the emulated AWS Organization, for every extension.

moto keeps an organization in the management account's ``OrganizationsBackend`` and maps
each member account to it (``organizations_backends.master_accounts``). AWS services that
integrate with Organizations ask the same questions the helpers below answer: which
organization an account belongs to, whether trusted access is enabled for a service
principal, who the delegated administrators of a service are, and which accounts sit
beneath an OU (at any depth).
"""

from __future__ import annotations

from dataclasses import dataclass

PARTITION = "aws"


@dataclass(frozen=True)
class OrganizationInfo:
    id: str
    arn: str
    management_account_id: str
    root_id: str


def management_backend(account_id: str):
    """The management account's OrganizationsBackend of the organization holding
    ``account_id`` (management or member), or None when the account is in none."""
    from moto.organizations.models import organizations_backends

    owner = organizations_backends.master_accounts.get(account_id)
    if owner is not None:
        management_id, partition = owner
        backend = organizations_backends[management_id][partition]
        return backend if backend.org is not None else None
    if account_id in organizations_backends:
        backend = organizations_backends[account_id].get(PARTITION)
        if backend is not None and backend.org is not None:
            return backend
    return None


def organization_of(account_id: str) -> OrganizationInfo | None:
    backend = management_backend(account_id)
    if backend is None:
        return None
    org = backend.org
    return OrganizationInfo(
        id=org.id, arn=org.arn, management_account_id=org.master_account_id, root_id=org.root_id
    )


def any_organization_backend():
    """The backend of the (first) organization in the emulator, or None."""
    from moto.organizations.models import organizations_backends

    for account_backends in list(organizations_backends.values()):
        backend = account_backends.get(PARTITION)
        if backend is not None and backend.org is not None:
            return backend
    return None


def _backend_for(account_id: str | None):
    return management_backend(account_id) if account_id else any_organization_backend()


def is_management_account(account_id: str) -> bool:
    info = organization_of(account_id)
    return info is not None and info.management_account_id == account_id


def trusted_access_enabled(service_principal: str, account_id: str | None = None) -> bool:
    """Whether EnableAWSServiceAccess was called for ``service_principal`` in the organization
    of ``account_id`` (or, without an account, in the emulator's organization)."""
    backend = _backend_for(account_id)
    if backend is None:
        return False
    return any(service["ServicePrincipal"] == service_principal for service in backend.services)


def delegated_administrators(service_principal: str, account_id: str | None = None) -> list[str]:
    """Account ids registered as delegated administrator for ``service_principal``."""
    backend = _backend_for(account_id)
    if backend is None:
        return []
    return [admin.account.id for admin in backend.admins if service_principal in admin.services]


def is_delegated_administrator(account_id: str, service_principal: str) -> bool:
    return account_id in delegated_administrators(service_principal, account_id)


def account_record(account_id: str):
    """moto's FakeAccount for ``account_id`` in its organization, or None."""
    backend = management_backend(account_id)
    if backend is None:
        return None
    return next((account for account in backend.accounts if account.id == account_id), None)


def accounts_beneath(backend, parent_ids: list[str]) -> list[str]:
    """Ids of accounts under any of ``parent_ids`` (root or OU ids), through nested OUs,
    in the organization's account order."""
    wanted = set(parent_ids)
    children: dict[str, list[str]] = {}
    for ou in backend.ou:
        parent = getattr(ou, "parent_id", None)
        if parent:
            children.setdefault(parent, []).append(ou.id)
    pending = list(wanted)
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in wanted:
                wanted.add(child)
                pending.append(child)
    return [account.id for account in backend.accounts if account.parent_id in wanted]


def ou_exists(backend, ou_id: str) -> bool:
    return any(ou.id == ou_id for ou in backend.ou)
