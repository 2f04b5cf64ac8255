"""Settings whose values matter beyond their existence."""


def test_the_embedded_broker_is_polled_often_enough_not_to_cap_throughput():
    """kombu's filesystem transport polls every second by default, which held the appliance to about
    two tasks a second (bench/appliance_bench.py: 0.49 documents/s, 4.95 at 0.05 s)."""
    from appliance import settings as appliance_settings

    if not appliance_settings.CELERY_BROKER_URL.startswith("filesystem://"):
        assert not hasattr(appliance_settings, "CELERY_BROKER_TRANSPORT_OPTIONS")
        return
    assert appliance_settings.CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] <= 0.1
