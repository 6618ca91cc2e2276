"""STS AssumeRole refuses a role that does not exist, as AWS does (moto issues keys for any
ARN). AWS answers AccessDenied, "User: <caller> is not authorized to perform:
sts:AssumeRole on resource: <role ARN>", whether the role is missing or its trust policy
refuses the caller (IAM user guide, "Troubleshooting IAM roles",
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html). Trust policies
are still not evaluated.
"""

from __future__ import annotations

import functools

from ..errors import AwsError

NOT_AUTHORIZED = "User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"


def _role_exists(role_arn: str) -> bool:
    from moto.iam.models import iam_backends

    try:
        _arn, _partition, _service, _region, account_id, resource = role_arn.split(":", 5)
    except ValueError:
        return False
    if not resource.startswith("role/"):
        return False
    role_name = resource.rsplit("/", 1)[-1]
    backend = iam_backends[account_id]["global"]
    return any(role.name == role_name for role in backend.roles.values())


def _checked(original):
    @functools.wraps(original)
    def assume_role(self):
        role_arn = self._get_param("RoleArn") or ""
        if not _role_exists(role_arn):
            _user_id, caller, _account = self.backend.get_caller_identity(self.get_access_key(), self.region)
            raise AwsError("AccessDenied", NOT_AUTHORIZED.format(caller=caller, role_arn=role_arn))
        return original(self)

    return assume_role


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


def install() -> None:
    from moto.sts.responses import TokenResponse

    TokenResponse.assume_role = _checked(TokenResponse.assume_role)
