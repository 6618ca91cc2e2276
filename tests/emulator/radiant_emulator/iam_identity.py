"""Who makes a request and whether IAM lets it through, for the requests the emulator enforces.

IAM User Guide, "Policy evaluation logic" and "Cross-account policy evaluation logic"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):

- an explicit Deny in the identity-based or the resource-based policy wins;
- within one account, an Allow in either is enough, except that a resource-based policy
  naming only the account (``arn:aws:iam::<id>:root``) delegates to the identity-based
  policies;
- across accounts, both must allow: the resource-based policy (naming the principal or its
  account) and the caller's identity-based policy;
- a role trust policy and a KMS key policy must always allow (they are the gate): with the
  principal named, that is enough in its own account; with only its account named, the
  identity-based policy must allow too; across accounts the identity-based policy must allow
  in any case ("Roles terms and concepts", "Key policies in AWS KMS":
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).

Callers: an assumed-role session (the session ARN and its role's ARN name it), an IAM user,
or the account itself (moto's default keys, ``x-moto-account-id``: the harness's
administrator, allowed everything its account's resources allow). Identity-based policies
are the role's or user's inline and attached managed policies. Not evaluated: permissions
boundaries, session policies, SCPs/RCPs, IAM groups (docs/emulator-fidelity.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import policy_eval

ADMINISTRATOR_ACCESS_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
ADMINISTRATOR_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Caller:
    account: str
    arn: str
    role_arn: str | None = None
    entity: object | None = None  # moto's Role or User; None for the account's administrator

    @property
    def names(self) -> list[str]:
        """The ARNs a resource-based policy may name this caller by."""
        return [self.arn] + ([self.role_arn] if self.role_arn else [])

    @property
    def enforced(self) -> bool:
        return self.entity is not None

    def context(self) -> dict:
        return {
            "aws:PrincipalArn": self.role_arn or self.arn,
            "aws:PrincipalAccount": self.account,
            # Real clients reach AWS over TLS; the emulator's plain HTTP is the harness's.
            "aws:SecureTransport": "true",
        }


def caller(access_key: str | None, account: str) -> Caller:
    """The identity behind ``access_key`` in ``account`` (moto maps keys to accounts)."""
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    if access_key and account in sts_backends:
        session = sts_backends[account]["aws"].get_assumed_role_from_access_key(access_key)
        if session is not None:
            role = _role(session.role_arn)
            return Caller(account, session.arn, _iam_role_arn(session.role_arn), role)
    if access_key and account in iam_backends:
        user = iam_backends[account]["global"].get_user_from_access_key_id(access_key)
        if user is not None:
            return Caller(account, user.arn, None, user)
    # moto's name for callers it does not know (GetCallerIdentity answers the same).
    return Caller(account, f"arn:aws:sts::{account}:user/moto")


def _iam_role_arn(role_arn: str) -> str:
    # Sessions are named by the role's ARN without its path (IAM User Guide, "IAM identifiers").
    account = role_arn.split(":")[4]
    return f"arn:aws:iam::{account}:role/{role_arn.rsplit('/', 1)[-1]}"


def _role(role_arn: str):
    from moto.iam.models import iam_backends

    try:
        account = role_arn.split(":")[4]
        name = role_arn.rsplit("/", 1)[-1]
        backend = iam_backends[account]["global"]
    except (IndexError, KeyError):
        return None
    return next((role for role in backend.roles.values() if role.name == name), None)


def identity_policies(entity) -> list:
    """Inline and attached managed policy documents of a moto Role or User."""
    documents = list(getattr(entity, "policies", {}).values())
    for managed in getattr(entity, "managed_policies", {}).values():
        default = next((v for v in managed.versions if v.is_default), None)
        if default is not None:
            documents.append(default.document)
    return [json.loads(d) if isinstance(d, str) else d for d in documents]


def identity_decision(who: Caller, action: str, resource: str, context: dict) -> str | None:
    if not who.enforced:
        return policy_eval.ALLOW
    result = None
    for document in identity_policies(who.entity):
        found = policy_eval.decision(document, None, action, resource, context)
        if found == policy_eval.DENY:
            return found
        result = found or result
    return result


def allowed(who: Caller, action: str, resource: str, resource_account: str, resource_policy,
            context: dict | None = None, policy_required: bool = False) -> bool:
    """Whether IAM allows the request. ``policy_required``: a trust or key policy, which
    must allow whatever the identity-based policies say."""
    context = {**who.context(), **(context or {})}
    granted = policy_eval.decision(resource_policy, who.names, action, resource, context)
    identity = identity_decision(who, action, resource, context)
    if policy_eval.DENY in (granted, identity):
        return False
    identity_allows = identity == policy_eval.ALLOW
    if who.account != resource_account:
        return identity_allows and granted in (policy_eval.ALLOW, policy_eval.ALLOW_ACCOUNT)
    if granted == policy_eval.ALLOW:
        return True
    if policy_required:
        return granted == policy_eval.ALLOW_ACCOUNT and identity_allows
    return identity_allows


def not_authorized(who: Caller, action: str, resource: str) -> str:
    return f"User: {who.arn} is not authorized to perform: {action} on resource: {resource}"


def administrator_access_policy(account_id: str):
    """AWS's managed AdministratorAccess (moto loads AWS's managed policies only on request)."""
    from moto.iam.models import AWSManagedPolicy

    return AWSManagedPolicy.from_data("AdministratorAccess", account_id, "us-east-1", {
        "DefaultVersionId": "v1", "Path": "/", "Document": ADMINISTRATOR_ACCESS,
        "CreateDate": "2015-02-06T18:39:46+00:00", "UpdateDate": "2015-02-06T18:39:46+00:00",
    })
