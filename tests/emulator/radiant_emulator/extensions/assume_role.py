"""STS AssumeRole as AWS authorizes it (moto issues keys for any ARN).

- The role must exist, and its trust policy must allow the caller sts:AssumeRole, with the
  request's sts:ExternalId (and aws:PrincipalArn, aws:PrincipalAccount) as condition keys; a
  trust naming the caller's account rather than the caller needs the caller's identity-based
  policy to allow sts:AssumeRole on the role too, and so does any caller from another account
  (IAM User Guide, "Roles terms and concepts", "Cross-account policy evaluation logic",
  "How to use an external ID when granting access to your AWS resources to a third party":
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html).
- AWS answers AccessDenied, "User: <caller> is not authorized to perform: sts:AssumeRole on
  resource: <role ARN>", whether the role is missing or a policy refuses the caller (IAM User
  Guide, "Troubleshooting IAM roles",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html).
- IAM is eventually consistent: a role created, or whose trust policy was replaced, through the
  API is refused (the same AccessDenied) until ``iam_propagation_seconds`` (realism) have passed
  (IAM User Guide, "Troubleshooting IAM", "Changes that I make are not always immediately
  visible": https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
  Roles the emulator makes itself (CreateAccount's role, the sample organization's, control-API
  sessions) exist from the start, as they would long before a run.
- Organizations creates OrganizationAccountAccessRole trusting the management account with
  AWS's AdministratorAccess attached (Organizations User Guide, "Accessing member accounts",
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html);
  moto created it without a policy, and loads AWS's managed policies only on request, so every
  account gets AdministratorAccess and the role gets it attached.
"""

from __future__ import annotations

import functools
import time

from .. import iam_identity, realism
from ..errors import AwsError

NOT_AUTHORIZED = "User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
ACCESS_ROLE = "OrganizationAccountAccessRole"


def _checked(original):
    @functools.wraps(original)
    def assume_role(self):
        role_arn = self._get_param("RoleArn") or ""
        who = iam_identity.caller(self.get_access_key(), self.current_account)
        role = iam_identity._role(role_arn) if role_arn.split(":")[5:6] and ":role/" in role_arn else None
        context = {"sts:ExternalId": self._get_param("ExternalId"),
                   "sts:RoleSessionName": self._get_param("RoleSessionName")}
        if role is None or not _propagated(role) or not iam_identity.allowed(
            who, "sts:AssumeRole", role_arn, role.account_id, role.assume_role_policy_document, context,
            policy_required=True,
        ):
            raise AwsError("AccessDenied", NOT_AUTHORIZED.format(caller=who.arn, role_arn=role_arn))
        return original(self)

    return assume_role


def _propagated(role) -> bool:
    return time.monotonic() >= getattr(role, "_radiant_usable_at", 0.0)


def _propagating(original):
    """CreateRole / UpdateAssumeRolePolicy through the API: the role's trust takes a while to apply."""
    @functools.wraps(original)
    def handler(self):
        result = original(self)
        name = self._get_param("RoleName")
        role = next((r for r in self.backend.roles.values() if r.name == name), None)
        if role is not None:
            role._radiant_usable_at = time.monotonic() + realism.current().seconds("iam_propagation_seconds")
        return result

    return handler


def issued_credentials() -> list[dict]:
    """Every role session STS has issued since the last reset, secrets included: what tests
    search the playbooks' output for (``GET /_emulator/credentials``)."""
    from moto.sts.models import sts_backends

    issued = []
    for account_id, by_partition in list(sts_backends.items()):
        for backend in list(by_partition.values()):
            for role in backend.assumed_roles:
                issued.append({
                    "account_id": account_id,
                    "role_arn": role.role_arn,
                    "session_name": role.session_name,
                    "access_key_id": role.access_key_id,
                    "secret_access_key": role.secret_access_key,
                    "session_token": role.session_token,
                })
    return issued


def _with_administrator_access(original):
    @functools.wraps(original)
    def init_aws_policies(self):
        policies = original(self)
        if not any(p.arn == iam_identity.ADMINISTRATOR_ACCESS_ARN for p in policies):
            policies.append(iam_identity.administrator_access_policy(self.account_id))
        return policies

    return init_aws_policies


def _access_role_with_administrator_access(original):
    @functools.wraps(original)
    def create_account(self, **kwargs):
        from moto.iam.models import iam_backends

        status = original(self, **kwargs)
        account_id = status["CreateAccountStatus"]["AccountId"]
        iam = iam_backends[account_id]["global"]
        role_name = kwargs.get("RoleName") or ACCESS_ROLE
        if not any(role.name == role_name for role in iam.roles.values()):
            return status
        role = iam.get_role(role_name)
        if iam_identity.ADMINISTRATOR_ACCESS_ARN not in role.managed_policies:
            iam.attach_role_policy(iam_identity.ADMINISTRATOR_ACCESS_ARN, role_name)
        return status

    return create_account


def install() -> None:
    from moto.iam.models import IAMBackend
    from moto.iam.responses import IamResponse
    from moto.organizations.models import OrganizationsBackend
    from moto.sts.responses import TokenResponse

    if getattr(TokenResponse, "_radiant_assume_role", False):
        return
    TokenResponse.assume_role = _checked(TokenResponse.assume_role)
    IamResponse.create_role = _propagating(IamResponse.create_role)
    IamResponse.update_assume_role_policy = _propagating(IamResponse.update_assume_role_policy)
    IAMBackend._init_aws_policies = _with_administrator_access(IAMBackend._init_aws_policies)
    OrganizationsBackend.create_account = _access_role_with_administrator_access(OrganizationsBackend.create_account)
    TokenResponse._radiant_assume_role = True
