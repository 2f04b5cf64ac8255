# The SLM tests' session fixtures (build the embedded models once, one pool per session), reused here.
from tests.slm.conftest import built_models, models_dir, pool  # noqa: F401
