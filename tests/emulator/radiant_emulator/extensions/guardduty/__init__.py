"""GuardDuty with AWS semantics, replacing moto's partial implementation.

moto 5.2.5 knows detector CRUD and org-admin enable/list only, and its UpdateDetector
replaces the feature list. We route every GuardDuty path to one response class; moto's
router derives the operation from botocore's model, moto's parser reads the request and
``wire`` writes GuardDuty's camelCase JSON. State lives in ``state.STORE``.
"""

from __future__ import annotations

import json

from . import destinations, filters, operations, state, wire
from .errors import GuardDutyError

OPERATIONS = {
    "CreateDetector": operations.create_detector,
    "GetDetector": operations.get_detector,
    "UpdateDetector": operations.update_detector,
    "ListDetectors": operations.list_detectors,
    "DeleteDetector": operations.delete_detector,
    "EnableOrganizationAdminAccount": operations.enable_organization_admin_account,
    "DisableOrganizationAdminAccount": operations.disable_organization_admin_account,
    "ListOrganizationAdminAccounts": operations.list_organization_admin_accounts,
    "DescribeOrganizationConfiguration": operations.describe_organization_configuration,
    "UpdateOrganizationConfiguration": operations.update_organization_configuration,
    "CreateMembers": operations.create_members,
    "InviteMembers": operations.invite_members,
    "GetMembers": operations.get_members,
    "ListMembers": operations.list_members,
    "DisassociateMembers": operations.disassociate_members,
    "DeleteMembers": operations.delete_members,
    "StartMonitoringMembers": operations.start_monitoring_members,
    "StopMonitoringMembers": operations.stop_monitoring_members,
    "UpdateMemberDetectors": operations.update_member_detectors,
    "GetMemberDetectors": operations.get_member_detectors,
    "ListInvitations": operations.list_invitations,
    "GetInvitationsCount": operations.get_invitations_count,
    "AcceptAdministratorInvitation": operations.accept_administrator_invitation,
    "AcceptInvitation": operations.accept_invitation,
    "DeclineInvitations": operations.decline_invitations,
    "DeleteInvitations": operations.delete_invitations,
    "GetAdministratorAccount": operations.get_administrator_account,
    "GetMasterAccount": operations.get_master_account,
    "DisassociateFromAdministratorAccount": operations.disassociate_from_administrator_account,
    "DisassociateFromMasterAccount": operations.disassociate_from_master_account,
    **destinations.OPERATIONS,
    **filters.OPERATIONS,
}

CATCH_ALL = "{0}/.*$"


def _response_class():
    from moto.guardduty.responses import GuardDutyResponse

    class EmulatedGuardDutyResponse(GuardDutyResponse):
        def call_action(self):
            operation = self._get_action()
            handler = OPERATIONS.get(operation)
            if handler is None:
                return super().call_action()
            self.parse_parameters(self.normalized_request)
            try:
                result = handler(self.current_account, self.region, dict(self.params))
            except GuardDutyError as error:
                body = json.dumps({"message": error.message, "__type": error.error_type})
                return 400, {"x-amzn-ErrorType": "BadRequestException", "Content-Type": "application/json"}, body
            status = wire.http_status(operation)
            payload = "" if status == 204 else wire.body(operation, result)
            return status, {"Content-Type": "application/json"}, payload

    return EmulatedGuardDutyResponse


def install() -> None:
    from moto.guardduty import urls

    if CATCH_ALL in urls.url_paths:
        return

    response = _response_class()
    for path in list(urls.url_paths):
        urls.url_paths[path] = response.dispatch
    # One catch-all route: the operation comes from botocore's model, not from the path.
    urls.url_paths[CATCH_ALL] = response.dispatch


def reset() -> None:
    state.reset()
