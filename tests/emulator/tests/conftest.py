"""Fixtures for the emulator's own tests: one emulator process per test session.

- ``emulator``: session-scoped running :class:`EmulatorProcess` (``.url``, ``.control``).
- ``clean_emulator``: the same emulator after ``POST /_emulator/reset`` (every AWS resource
  and the request log forgotten), so each test starts from an empty AWS.
- ``aws``: factory ``aws(service, region="us-east-1", account=None)`` returning a boto3
  client on the emulator; ``account`` acts as that account via moto's
  ``x-moto-account-id`` header (test set-up only; product code assumes roles).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

# shapecheck.py lives beside this file; make it importable from every test module.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from radiant_emulator.process import EmulatorProcess  # noqa: E402

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    for name, value in FAKE_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    log_path = tmp_path_factory.mktemp("emulator") / "emulator.log"
    with EmulatorProcess(log_path=str(log_path)) as emu:
        yield emu


@pytest.fixture
def clean_emulator(emulator):
    emulator.control("POST", "reset")
    return emulator


def make_client(url: str, service: str, region: str = "us-east-1", account: str | None = None):
    client = boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}),
    )
    if account is not None:
        def _act_as(request, **_kwargs):
            request.headers["x-moto-account-id"] = account

        client.meta.events.register("before-send", _act_as)
    return client


@pytest.fixture
def aws(clean_emulator):
    def factory(service: str, region: str = "us-east-1", account: str | None = None):
        return make_client(clean_emulator.url, service, region, account)

    return factory


@pytest.fixture
def sample_org(clean_emulator):
    """A small organization (3 members in nested OUs, 1 suspended, 2 outside accounts with
    registered root emails) built over HTTP by ``radiant_emulator.sample_org``."""
    from radiant_emulator.sample_org import SampleOrgSpec, build_sample_org

    return build_sample_org(clean_emulator.url, SampleOrgSpec(members=3, suspended=1, outside=2))
