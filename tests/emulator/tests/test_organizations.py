"""Organizations: trusted access and delegated administrators, checked as AWS checks them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from shapecheck import check_shape

CLOUDTRAIL = "cloudtrail.amazonaws.com"
STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com"


@pytest.fixture
def org(aws):
    """An organization with two member accounts; returns (client, member ids)."""
    client = aws("organizations")
    client.create_organization(FeatureSet="ALL")
    members = [
        client.create_account(AccountName=f"m{i}", Email=f"m{i}@example.test")["CreateAccountStatus"]["AccountId"]
        for i in range(2)
    ]
    return client, members


def _error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_trusted_access_enable_list_disable(org):
    client, _members = org
    response = client.enable_aws_service_access(ServicePrincipal=CLOUDTRAIL)
    assert check_shape("organizations", "EnableAWSServiceAccess", response) == []
    client.enable_aws_service_access(ServicePrincipal="malware-protection.guardduty.amazonaws.com")
    listed = client.list_aws_service_access_for_organization()
    assert check_shape("organizations", "ListAWSServiceAccessForOrganization", listed) == []
    principals = {entry["ServicePrincipal"] for entry in listed["EnabledServicePrincipals"]}
    assert principals == {CLOUDTRAIL, "malware-protection.guardduty.amazonaws.com"}

    client.disable_aws_service_access(ServicePrincipal=CLOUDTRAIL)
    listed = client.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [entry["ServicePrincipal"] for entry in listed] == ["malware-protection.guardduty.amazonaws.com"]


def test_member_account_cannot_enable_trusted_access(org, aws):
    _client, members = org
    member = aws("organizations", account=members[0])
    with pytest.raises(ClientError) as excinfo:
        member.enable_aws_service_access(ServicePrincipal=CLOUDTRAIL)
    assert _error(excinfo) == ("AccessDeniedException", "You don't have permissions to access this resource.")
    with pytest.raises(ClientError) as excinfo:
        member.list_aws_service_access_for_organization()
    assert _error(excinfo)[0] == "AccessDeniedException"


def test_account_outside_any_organization_gets_not_in_use(aws):
    outsider = aws("organizations", account="990000000001")
    with pytest.raises(ClientError) as excinfo:
        outsider.enable_aws_service_access(ServicePrincipal=CLOUDTRAIL)
    assert _error(excinfo) == (
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )


def test_delegated_admin_requires_trusted_access(org):
    client, members = org
    with pytest.raises(ClientError) as excinfo:
        client.register_delegated_administrator(AccountId=members[0], ServicePrincipal=STACKSETS)
    code, message = _error(excinfo)
    assert code == "ConstraintViolationException"
    assert STACKSETS in message and "trusted access" in message
    assert client.list_delegated_administrators()["DelegatedAdministrators"] == []


@pytest.mark.parametrize("principal", [CLOUDTRAIL, STACKSETS, "guardduty.amazonaws.com"])
def test_register_list_deregister_delegated_admin(org, principal):
    client, members = org
    client.enable_aws_service_access(ServicePrincipal=principal)
    response = client.register_delegated_administrator(AccountId=members[0], ServicePrincipal=principal)
    assert check_shape("organizations", "RegisterDelegatedAdministrator", response) == []

    listed = client.list_delegated_administrators(ServicePrincipal=principal)
    assert check_shape("organizations", "ListDelegatedAdministrators", listed) == []
    assert [admin["Id"] for admin in listed["DelegatedAdministrators"]] == [members[0]]
    services = client.list_delegated_services_for_account(AccountId=members[0])
    assert check_shape("organizations", "ListDelegatedServicesForAccount", services) == []
    assert [service["ServicePrincipal"] for service in services["DelegatedServices"]] == [principal]

    with pytest.raises(ClientError) as excinfo:
        client.register_delegated_administrator(AccountId=members[0], ServicePrincipal=principal)
    assert _error(excinfo)[0] == "AccountAlreadyRegisteredException"

    client.deregister_delegated_administrator(AccountId=members[0], ServicePrincipal=principal)
    assert client.list_delegated_administrators(ServicePrincipal=principal)["DelegatedAdministrators"] == []


def test_delegated_admin_may_read_but_not_write(org, aws):
    client, members = org
    client.enable_aws_service_access(ServicePrincipal=CLOUDTRAIL)
    client.register_delegated_administrator(AccountId=members[0], ServicePrincipal=CLOUDTRAIL)

    delegated = aws("organizations", account=members[0])
    listed = delegated.list_delegated_administrators()["DelegatedAdministrators"]
    assert [admin["Id"] for admin in listed] == [members[0]]
    enabled = delegated.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [entry["ServicePrincipal"] for entry in enabled] == [CLOUDTRAIL]
    with pytest.raises(ClientError) as excinfo:
        delegated.register_delegated_administrator(AccountId=members[1], ServicePrincipal=CLOUDTRAIL)
    assert _error(excinfo)[0] == "AccessDeniedException"

    other_member = aws("organizations", account=members[1])
    with pytest.raises(ClientError) as excinfo:
        other_member.list_delegated_administrators()
    assert _error(excinfo)[0] == "AccessDeniedException"


def test_management_account_cannot_be_delegated_admin(org):
    client, _members = org
    client.enable_aws_service_access(ServicePrincipal=CLOUDTRAIL)
    with pytest.raises(ClientError) as excinfo:
        client.register_delegated_administrator(AccountId="123456789012", ServicePrincipal=CLOUDTRAIL)
    assert _error(excinfo)[0] == "ConstraintViolationException"


def test_state_helpers_in_process():
    """organizations_state answers from moto's backends (in-process moto, no server)."""
    import boto3
    from moto import mock_aws
    from radiant_emulator import organizations_state as state

    with mock_aws():
        client = boto3.client("organizations", region_name="us-east-1")
        org = client.create_organization(FeatureSet="ALL")["Organization"]
        root = client.list_roots()["Roots"][0]["Id"]
        parent = client.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
        child = client.create_organizational_unit(ParentId=parent, Name="Prod")["OrganizationalUnit"]["Id"]
        member = client.create_account(AccountName="deep", Email="deep@example.test")["CreateAccountStatus"]
        client.move_account(AccountId=member["AccountId"], SourceParentId=root, DestinationParentId=child)

        info = state.organization_of(member["AccountId"])
        assert (info.id, info.management_account_id, info.root_id) == (org["Id"], "123456789012", root)
        assert state.organization_of("990000000009") is None
        assert state.is_management_account("123456789012")
        assert not state.is_management_account(member["AccountId"])
        assert not state.trusted_access_enabled(CLOUDTRAIL, member["AccountId"])
        client.enable_aws_service_access(ServicePrincipal=CLOUDTRAIL)
        assert state.trusted_access_enabled(CLOUDTRAIL, member["AccountId"])
        assert state.trusted_access_enabled(CLOUDTRAIL)
        backend = state.management_backend(member["AccountId"])
        assert state.accounts_beneath(backend, [parent]) == [member["AccountId"]]
        assert state.accounts_beneath(backend, [child]) == [member["AccountId"]]
        assert member["AccountId"] in state.accounts_beneath(backend, [root])
