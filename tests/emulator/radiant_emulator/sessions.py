"""Role sessions of principals that live outside the customer's accounts (control API).

A vendor's own AWS account (Radiant's tenant role ``arn:aws:sts::649384204969:assumed-
role/tenant-aws-access-role/radiant-security``, named in the trust policy of docs/requirements.md#trust-policy) exists
on AWS but not in the emulator, and nothing the collection runs creates it.
``POST /_emulator/role-sessions`` ``{"role_arn", "session_name", "policy"}`` creates the
role if it is missing (trusting its own account), sets ``policy`` as its identity-based policy
(inline ``emulator-session-policy``) and returns credentials of a session with that name, as
sts:AssumeRole would: requests signed with them act as exactly that session ARN.
"""

from __future__ import annotations

import json
import re

ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/([\w+=,.@-]+)$")
SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
POLICY_NAME = "emulator-session-policy"


def open_session(role_arn: str, session_name: str, policy: dict | None = None) -> dict:
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    match = ROLE_ARN.match(role_arn or "")
    if not match:
        raise ValueError(f"role_arn must read arn:aws:iam::<12 digits>:role/<name>, got {role_arn!r}")
    if not SESSION_NAME.match(session_name or ""):
        raise ValueError(f"session_name must be 2-64 characters of [\\w+=,.@-], got {session_name!r}")
    account, name = match.groups()
    iam = iam_backends[account]["global"]
    if not any(role.name == name for role in iam.roles.values()):
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]}
        iam.create_role(role_name=name, assume_role_policy_document=json.dumps(trust), path="/",
                        permissions_boundary=None, description="emulator role session", tags=[],
                        max_session_duration="3600")
    if policy is not None:
        iam.put_role_policy(name, POLICY_NAME, json.dumps(policy))
    session = sts_backends[account]["aws"].assume_role(
        region_name="us-east-1", role_session_name=session_name, role_arn=role_arn, policy=None,
        duration=3600, external_id=None,
    )
    return {
        "Arn": session.arn,
        "AccountId": account,
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key,
        "SessionToken": session.session_token,
    }


def control(method: str, route: str, body: dict) -> tuple[int, dict]:
    if method == "POST" and route.strip("/") == "role-sessions":
        return 200, open_session(body.get("role_arn"), body.get("session_name"), body.get("policy"))
    return 400, {"error": 'use POST /_emulator/role-sessions {"role_arn": ..., "session_name": ..., "policy": {...}}'}
