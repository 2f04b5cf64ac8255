"""Settings whose values matter beyond their existence."""
import pytest


def test_the_embedded_broker_is_polled_often_enough_not_to_cap_throughput():
    """kombu's filesystem transport polls every second by default, which held the appliance to about
    two tasks a second (bench/appliance_bench.py: 0.49 documents/s, 4.95 at 0.05 s)."""
    from appliance import settings as appliance_settings

    if not appliance_settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return
    assert appliance_settings.CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] <= 0.1


def test_on_redis_no_task_is_handed_to_a_second_worker_while_the_first_still_runs():
    """A taken message comes back after the visibility timeout: it must outlast the longest task."""
    from appliance import settings as appliance_settings
    from appliance.documents.tasks import retrain_type

    if not appliance_settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("the configured broker is not Redis")
    timeout = appliance_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout > max(appliance_settings.CELERY_TASK_TIME_LIMIT, retrain_type.time_limit)
