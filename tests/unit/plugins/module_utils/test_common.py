import pytest

from ansible_collections.radiant.aws_onboarding.plugins.module_utils.common import (
    WaitTimeout,
    batched,
    wait_for,
)


def test_batched_splits_into_groups_of_at_most_fifty_keeping_order():
    ids = [f"{n:012d}" for n in range(120)]
    batches = list(batched(ids))
    assert [len(b) for b in batches] == [50, 50, 20]
    assert [i for b in batches for i in b] == ids


def test_batched_rejects_a_zero_size():
    with pytest.raises(ValueError):
        list(batched([1], 0))


def test_wait_for_returns_the_first_ready_value():
    states = iter(["PENDING_VERIFICATION", "PENDING_VERIFICATION", "PUBLISHING"])
    slept = []
    value = wait_for(lambda: next(states), lambda s: s == "PUBLISHING", timeout=60, delay=5, sleep=slept.append)
    assert value == "PUBLISHING"
    assert slept == [5, 5]


def test_wait_for_gives_up_at_the_bound_and_reports_the_last_state():
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    with pytest.raises(WaitTimeout) as error:
        wait_for(lambda: "DISABLING", lambda s: s == "ENABLED", timeout=10, delay=3,
                 description="the delegated administrator", sleep=sleep, clock=lambda: now[0])
    assert error.value.last == "DISABLING"
    assert "the delegated administrator" in str(error.value)
    assert now[0] >= 10


def test_amazon_aws_module_utils_import_beside_ours():
    from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

    assert callable(AWSRetry.jittered_backoff)
