# -*- coding: utf-8 -*-
# Copyright: Contributors to radiant.aws_onboarding
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How this collection calls AWS, written once: the retry policy, clients and pagination
(ARNs and partitions: arns.py; AWS's error codes: aws_errors.py, both free of boto3 for the plugins
that run on the controller).

Two layers, one policy:

- botocore retries every HTTP request (each page of a list included) in its ``standard`` mode:
  throttling codes and every 5xx, up to RETRY_CONFIG's attempts, with exponential backoff and
  full jitter (AWS SDKs and Tools reference guide, "Retry behavior"). Every client this
  collection builds gets RETRY_CONFIG; the roles hand the same dict to every module they call,
  amazon.aws's and community.aws's too, as the common option ``aws_config``
  (roles/radiant, ``radiant_aws_config``; a user's own ``aws_config`` wins).
- AWSRetry (amazon.aws's decorator, ``aws_retry=True``) wraps whole calls for the few more
  tries after botocore gives up, and for codes botocore does not know as transient
  (RETRYABLE_ERROR_CODES, per service). Pagination goes page by page through it, so a
  throttled page is asked again, not the whole list.
"""

import copy
import datetime
import threading

try:
    import boto3
    import botocore.config
    from botocore.exceptions import BotoCoreError, ClientError, NoRegionError
    from botocore.utils import parse_timestamp as botocore_parse_timestamp

    # What a botocore call raises: AWS's answer, or botocore's own (endpoint, credentials, validation).
    AWS_ERRORS = (BotoCoreError, ClientError)
except ImportError:
    AWS_ERRORS = ()  # reported by AnsibleAWSModule

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.module_utils.common import get_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper

# botocore's Config for every client; the roles' radiant_aws_config default is this same dict
# (tests/unit checks that they agree). Standard mode retries throttling and 500/502/503/504;
# max_attempts counts the retries (botocore: total_max_attempts = 11), with backoff up to 20 s.
RETRY_CONFIG = {"retries": {"mode": "standard", "max_attempts": 10}}

# What AWS answers when it throttles or fails on its side, per service (each service's API
# reference, "Common errors" / "Errors"). amazon.aws's AWSRetry knows EC2's codes only.
RETRYABLE_ERROR_CODES_BY_SERVICE = {
    "any": ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
            "InternalFailure", "InternalError", "ServiceUnavailable", "ServiceUnavailableException"],
    "guardduty": ["InternalServerErrorException"],
    "organizations": ["ServiceException"],
    "kms": ["KMSInternalException"],
    "sns": ["Throttled", "ThrottledException"],
    "iam": ["ServiceFailure"],
    "s3": ["SlowDown"],
    "account": ["InternalServerException"],
}
RETRYABLE_ERROR_CODES = sorted(set(code for codes in RETRYABLE_ERROR_CODES_BY_SERVICE.values() for code in codes))

# After botocore's own attempts, up to five tries of the whole call (AWSRetry counts tries), with jitter.
AWS_RETRY = AWSRetry.jittered_backoff(retries=5, delay=2, max_delay=30, catch_extra_error_codes=RETRYABLE_ERROR_CODES)


def retry_config():
    """A fresh copy of RETRY_CONFIG (botocore Config keywords), safe to change."""
    return copy.deepcopy(RETRY_CONFIG)


def user_agent():
    """What amazon.aws's clients send as the user agent, naming this collection (AWS Partner Network format)."""
    info = get_collection_info()
    name = " {0}".format(info["name"]) if info.get("name") else ""
    version = "/{0}".format(info["version"]) if info.get("name") and info.get("version") is not None else ""
    return "APN/1.0 Ansible/{0}{1}{2}".format(ANSIBLE_VERSION, name, version)


def botocore_config(overrides=None):
    """A botocore Config with the user agent and RETRY_CONFIG, ``overrides`` (a Config or a dict,
    e.g. the user's ``aws_config``) merged over it: for every client this collection builds."""
    config = botocore.config.Config(user_agent=user_agent(), **retry_config())
    if not overrides:
        return config
    if not isinstance(overrides, botocore.config.Config):
        overrides = botocore.config.Config(**overrides)
    return config.merge(overrides)


def parse_timestamp_utc(value):
    """A timestamp of an AWS answer as a datetime, the instant botocore's own parser gives, fast.

    botocore turns epoch seconds into local-time datetimes through dateutil's tzlocal, about 0.1 ms
    a value: GuardDuty's GetMemberDetectors gives each feature of each member its UpdatedAt, so a
    page of 50 members took 42 ms of CPU to parse, 10 ms with this (1,000 members in 17 Regions:
    340 pages). Epoch seconds (JSON protocols) and ISO 8601 text become UTC datetimes here;
    anything else (RFC 822 dates in S3 headers, ...) goes to botocore's parser.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if not isinstance(value, str) or value.replace(".", "", 1).isdigit():
        return botocore_parse_timestamp(value)  # epoch seconds as text: botocore's rule
    try:
        parsed = datetime.datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        return botocore_parse_timestamp(value)
    return parsed


class SharedSession:
    """One boto3 session for a module run's clients.

    A new boto3 session parses each service model and the endpoint data again: about 0.1 s of CPU
    a client, where a client of a session that has them costs about 0.01 s. amazon.aws opens a
    session per client; a module that reads several services or Regions pays that many times.
    boto3 sessions are not thread-safe, so a client is made under a lock; clients are. The session's
    clients parse timestamps with parse_timestamp_utc.
    """

    _by_profile = {}
    _lock = threading.Lock()

    @classmethod
    def client(cls, service, profile_name=None, **params):
        with cls._lock:
            session = cls._by_profile.get(profile_name)
            if session is None:
                session = cls._by_profile[profile_name] = boto3.session.Session(profile_name=profile_name)
                session._session.get_component("response_parser_factory").set_parser_defaults(
                    timestamp_parser=parse_timestamp_utc)
            return session.client(service, **params)


def aws_client(module, service, **params):
    """A client of an AnsibleAWSModule with the module's connection parameters and the retry policy
    (call with ``aws_retry=True``); ``params`` (``region``, ...) override the module's.

    Every client of a module run comes from one boto3 session (SharedSession). The module's own
    ``aws_config`` is merged over RETRY_CONFIG. Anything else with amazon.aws's ``client()``
    (its inventory plugins) builds the client its own way, with the same policy.
    """
    if not isinstance(module, AnsibleAWSModule):
        return module.client(service, retry_decorator=AWS_RETRY, config=retry_config(), **params)
    region, endpoint_url, connect_params = get_aws_connection_info(module)
    connect_params = dict(connect_params, **params)
    region = connect_params.pop("region", region)
    endpoint_url = connect_params.pop("endpoint", endpoint_url)
    config = botocore_config(connect_params.pop("aws_config", None))
    try:
        client = SharedSession.client(service, region_name=region, endpoint_url=endpoint_url, config=config,
                                      **connect_params)
    except NoRegionError:
        module.fail_json(msg="The {0} module requires a region and none was found in configuration, environment "
                             "variables or module parameters".format(module._name))
    except (ValueError, BotoCoreError) as e:
        module.fail_json_aws(e, msg="Couldn't connect to AWS")
    return RetryingBotoClientWrapper(client, AWS_RETRY)


def retrying(client):
    """``client`` (a boto3 client built by hand) answering ``aws_retry=True`` like aws_client's."""
    if isinstance(client, RetryingBotoClientWrapper):
        return client
    return RetryingBotoClientWrapper(client, AWS_RETRY)


def pages(client, operation, input_token="NextToken", output_token="NextToken", **params):
    """Every page of ``operation``, each page asked (and retried) on its own.

    For every list this collection reads (NextToken in, NextToken out), with or without a
    botocore paginator. ``client`` may be plain or retry-wrapped.
    """
    call = getattr(retrying(client), operation)
    params = dict(params)
    while True:
        page = call(aws_retry=True, **params)
        yield page
        token = page.get(output_token)
        if not token:
            return
        params[input_token] = token


def paginate(client, operation, result_key, **params):
    """Every item under ``result_key`` over every page of ``operation``."""
    items = []
    for page in pages(client, operation, **params):
        items.extend(page.get(result_key) or [])
    return items
