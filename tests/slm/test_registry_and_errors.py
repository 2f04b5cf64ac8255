"""Registry parsing, and clear errors (never a crash loop) for missing or corrupt models. No model needed."""
import json
import logging
import shutil

import pytest
from django.core.management import call_command

from extraction.slm import build
from extraction.slm.errors import (
    BUILD_COMMAND,
    InputIntegrityError,
    ModelCorruptError,
    ModelNotBuiltError,
    PromptTooLongError,
    RegistryError,
    UnknownModelError,
)
from extraction.slm.registry import EMBEDDED_MODELS, ModelSpec, Registry, load_registry
from extraction.slm.runtime import ModelPool


def test_embedded_registry():
    reg = load_registry(None)
    assert reg.default("encoder").name == "minilm-l6"
    assert reg.default("generator").name == "smollm2-135m"
    for spec in reg:
        assert spec.buildable and spec.device == "auto" and spec.tier == "slm"
        assert spec.source.sha256
    with pytest.raises(UnknownModelError):
        reg.get("nope")


def test_yaml_registry_adds_and_overrides(tmp_path, monkeypatch):
    path = tmp_path / "models.yaml"
    path.write_text(
        "defaults:\n  generator: qwen2.5-1.5b-instruct\n"
        "models:\n"
        "  - name: qwen2.5-1.5b-instruct\n    kind: generator\n    path: /srv/models/qwen\n"
        "    tier: llm\n    cost_per_1k_tokens: 11\n    prompt_format: chatml\n    threads: 4\n"
        "  - name: smollm2-135m\n    threads: 1\n"
    )
    monkeypatch.setenv("COLONY_MODEL_REGISTRY", str(path))
    reg = load_registry()
    assert reg.default("generator").name == "qwen2.5-1.5b-instruct"
    qwen = reg.get("qwen2.5-1.5b-instruct")
    assert qwen.tier == "llm" and not qwen.buildable and str(qwen.resolve_path(tmp_path)) == "/srv/models/qwen"
    smol = reg.get("smollm2-135m")
    assert smol.threads == 1 and smol.source is not None  # override keeps the other fields
    assert reg.get("minilm-l6").resolve_path(tmp_path) == tmp_path / "minilm-l6"


@pytest.mark.parametrize(
    "body, message",
    [
        ("models:\n  - name: x\n    kind: decoder\n    path: x\n", "kind"),
        ("models:\n  - name: x\n    kind: generator\n    path: x\n    colour: red\n", "unknown field"),
        ("models:\n  - kind: generator\n    path: x\n", "name"),
        ("defaults:\n  generator: minilm-l6\n", "is a encoder"),
        ("include_defaults: false\nmodels: []\nextra: 1\n", "unknown top-level"),
    ],
)
def test_invalid_registry_is_refused(tmp_path, body, message):
    path = tmp_path / "r.yaml"
    path.write_text(body)
    with pytest.raises(RegistryError, match=message):
        load_registry(path)


def _pool(tmp_path, path="gen"):
    spec = ModelSpec(name="gen", kind="generator", path=path, device="cpu")
    return ModelPool(Registry([spec]), tmp_path), spec


def test_missing_model_names_the_build_command(tmp_path):
    pool, _ = _pool(tmp_path)
    with pytest.raises(ModelNotBuiltError) as err:
        pool.generate(["hello"])
    assert BUILD_COMMAND in str(err.value) and "python manage.py build_models" in str(err.value)
    assert err.value.retryable is False


@pytest.mark.parametrize("damage", ["garbage", "truncated", "no-tokenizer", "size"])
def test_corrupt_model_is_a_clear_error(tmp_path, damage):
    d = tmp_path / "gen"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "tokenizer.json").write_text("{}")
    (d / "model.bin").write_bytes(b"\x00garbage" * 100)
    if damage == "truncated":
        (d / "model.bin").write_bytes(b"")
    if damage == "no-tokenizer":
        (d / "tokenizer.json").unlink()
    if damage == "size":
        (d / "manifest.json").write_text(json.dumps({"outputs": {"model.bin": {"size": 12345, "sha256": "x"}}}))
    pool, _ = _pool(tmp_path)
    with pytest.raises(ModelCorruptError) as err:
        pool.get("gen")
    assert "python manage.py build_models" in str(err.value)


def test_failed_load_is_not_retried_until_the_folder_changes(tmp_path, monkeypatch, caplog):
    from extraction.slm import runtime

    attempts = []
    real = runtime.LoadedModel.__init__

    def counting(self, spec, path):
        attempts.append(1)
        real(self, spec, path)

    monkeypatch.setattr(runtime.LoadedModel, "__init__", counting)
    pool, _ = _pool(tmp_path)
    caplog.set_level(logging.ERROR, "extraction.slm.runtime")
    for _ in range(5):
        with pytest.raises(ModelNotBuiltError):
            pool.get("gen")
    assert len(attempts) == 1  # no load storm, one log line
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelCorruptError):
        pool.get("gen")
    assert len(attempts) == 2  # the folder changed: tried again


def test_warm_up_never_raises(tmp_path):
    pool, _ = _pool(tmp_path)
    status = pool.warm_up()
    assert status["gen"].startswith("unavailable") and "build_models" in status["gen"]


def test_pool_starts_empty_after_fork(tmp_path, monkeypatch):
    pool, _ = _pool(tmp_path)
    pool._loaded["gen"] = object()
    monkeypatch.setattr("os.getpid", lambda: -1)
    assert pool.loaded() == []


def test_models_command_reports_missing_models(tmp_path, capsys):
    call_command("models", "--models-dir", str(tmp_path), "--no-test")
    out = capsys.readouterr().out
    assert "minilm-l6" in out and "not built" in out and "python manage.py build_models" in out


def test_tampered_weights_are_refused(monkeypatch):
    import dataclasses

    from extraction.slm.errors import BuildDependencyError

    spec = EMBEDDED_MODELS[0]
    bad = dataclasses.replace(
        spec, source=dataclasses.replace(spec.source, sha256={"model.safetensors": "0" * 64})
    )
    try:
        with pytest.raises(InputIntegrityError, match="pins"):
            build.locate_source(bad)
    except BuildDependencyError:
        pytest.skip("weight package not installed")


def test_prompt_too_long(built_models, pool):
    loaded = pool.get("smollm2-135m", "generator")
    monkey = loaded.max_length
    try:
        loaded.max_length = 10
        with pytest.raises(PromptTooLongError):
            pool.generate(["a prompt that is certainly longer than ten tokens once formatted as a chat"])
    finally:
        loaded.max_length = monkey


def test_corrupt_built_model_detected_by_check(built_models, models_dir, tmp_path):
    src = models_dir / "minilm-l6"
    copy = tmp_path / "minilm-l6"
    shutil.copytree(src, copy)
    assert not build.check_outputs(copy, hashes=True)
    with open(copy / "model.bin", "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\xff\xff\xff\xff")
    assert build.check_outputs(copy, hashes=True) == ["model.bin sha256 differs from the manifest"]
