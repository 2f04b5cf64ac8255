import pytest

from extraction.slm import build
from extraction.slm.errors import BuildDependencyError
from extraction.slm.registry import default_models_dir, load_registry
from extraction.slm.runtime import ModelPool


@pytest.fixture(scope="session")
def models_dir():
    """The directory the appliance loads models from ($COLONY_MODELS_DIR, else VAR_DIR/models): what bin/test
    built is reused, not built again."""
    return default_models_dir()


@pytest.fixture(scope="session")
def built_models(models_dir):
    """The embedded models, built once (idempotent, cached) with the production build function."""
    registry = load_registry(None)
    try:
        reports = build.ensure_built(registry=registry, models_dir=models_dir)
    except BuildDependencyError as exc:
        pytest.skip(f"models not built and build dependencies missing: {exc}")
    return {r.name: r for r in reports}


@pytest.fixture(scope="session")
def pool(built_models, models_dir):
    """One pool for the session, as a worker process has."""
    return ModelPool(load_registry(None), models_dir)
