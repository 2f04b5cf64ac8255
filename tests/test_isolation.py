"""The test suite runs on its own data directory and broker: running it while bin/start is up
changes nothing in the running appliance (tests/isolation.py)."""
from django.conf import settings

from tests.isolation import APPLIANCE_VAR_DIR, TEST_VAR_DIR, isolate


def test_the_tests_data_directory_and_filesystem_broker_are_not_the_appliances():
    assert settings.VAR_DIR == TEST_VAR_DIR and TEST_VAR_DIR != APPLIANCE_VAR_DIR
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folders = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        assert all(str(TEST_VAR_DIR) in str(folders[key]) for key in ("data_folder_in", "data_folder_out"))


def test_a_redis_broker_is_moved_to_the_test_database_of_the_same_server(tmp_path):
    environ = {"CELERY_BROKER_URL": "redis://broker.internal:6379/0", "COLONY_VAR_DIR": "/srv/colony"}
    var_dir = isolate(environ)
    assert environ["CELERY_BROKER_URL"] == "redis://broker.internal:6379/15"
    assert environ["COLONY_VAR_DIR"] == str(var_dir) != "/srv/colony"
    var_dir.rmdir()

