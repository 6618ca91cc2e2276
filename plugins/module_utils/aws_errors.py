# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS's error code and message of a botocore ClientError, read from its ``response`` (no boto3 import)."""


def _error_field(error, field):
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return ""
    return str((response.get("Error") or {}).get(field, "") or "")


def error_code(error):
    """AWS's error code of a botocore ClientError ("" for anything else)."""
    return _error_field(error, "Code")


def error_message(error):
    """AWS's error message of a botocore ClientError ("" for anything else)."""
    return _error_field(error, "Message")
