"""The appliance's settings, on the tests' own data directory and broker (tests/isolation.py)."""
from tests.isolation import ensure_isolated

ensure_isolated()

from appliance.settings import *  # noqa: E402,F401,F403  (read after the environment is isolated)
