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


def test_database_connections_are_kept_between_requests_and_tasks_and_checked_before_reuse():
    """A connection per request or task cost PostgreSQL a new backend each time (bench/appliance_bench.py,
    400 receipts on PostgreSQL + Redis: 3.18 -> 3.38-3.62 documents/s with connections kept)."""
    from appliance import settings as appliance_settings

    database = appliance_settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0 and database["CONN_HEALTH_CHECKS"] is True
