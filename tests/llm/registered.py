"""SmolLM2, as built by build_models, registered a second time under tier "llm" — as an operator
registers a bigger model. Tests of the larger-model tier share it."""
import dataclasses

import pytest


def smollm2_as_llm_pool():
    from extraction.slm import build
    from extraction.slm.errors import BuildDependencyError
    from extraction.slm.registry import Registry, default_models_dir, load_registry
    from extraction.slm.runtime import ModelPool

    models_dir = default_models_dir()  # the appliance's ($COLONY_MODELS_DIR honoured): built once, reused
    embedded = load_registry(None)
    try:
        build.ensure_built(names=["smollm2-135m"], registry=embedded, models_dir=models_dir)
    except BuildDependencyError as exc:
        pytest.skip(f"SmolLM2 not built and build dependencies missing: {exc}")
    base = embedded.get("smollm2-135m")
    spec = dataclasses.replace(
        base, name="smollm2-as-llm", tier="llm", cost_per_1k_tokens=5.0, source=None,
        path=str(base.resolve_path(models_dir)),
    )
    return ModelPool(Registry([spec], origin="test"), models_dir)
