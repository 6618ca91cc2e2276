"""A stand-in for AnsibleAWSModule: the real argument spec fills the parameters, clients are
botocore clients answered by Stubber, and fail_json raises so a test can read the message."""

import boto3
import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper


class ModuleFailed(Exception):
    def __init__(self, result):
        super().__init__(result.get("msg"))
        self.result = result


class FakeAWSModule:
    Failed = ModuleFailed

    def __init__(self, argument_spec, params, rules=None, check_mode=False, region="us-east-1", diff=True):
        validated = ArgumentSpecValidator(argument_spec, **(rules or {})).validate(params)
        if validated.error_messages:
            raise ValueError(validated.error_messages)
        self.params = validated.validated_parameters
        self.check_mode = check_mode
        self.region = region
        self._diff = diff
        self.warnings = []
        self.clients = {}
        self.regions_asked = []

    def stub(self, service):
        """The raw client of ``service`` (one per service, whatever the Region asked)."""
        if service not in self.clients:
            self.clients[service] = boto3.client(service, region_name=self.region, aws_access_key_id="x",
                                                 aws_secret_access_key="x")
        return self.clients[service]

    def client(self, service, retry_decorator=None, region=None, **_params):
        self.regions_asked.append((service, region))
        return RetryingBotoClientWrapper(self.stub(service), retry_decorator)

    def fail_json(self, **result):
        raise ModuleFailed(result)

    def fail_json_aws(self, exception, msg=None, **result):
        raise ModuleFailed(dict(result, msg=msg, exception=exception))

    def warn(self, warning):
        self.warnings.append(warning)


@pytest.fixture
def aws_module(monkeypatch):
    """FakeAWSModule, with time.sleep a no-op (retries and waits do not wait)."""
    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    return FakeAWSModule
