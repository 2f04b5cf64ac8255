"""Checkpoint conversion to CTranslate2 (build time only: needs torch and transformers).

``convert_checkpoint`` turns a transformers checkpoint folder (config,
safetensors, tokenizer) into a CTranslate2 model folder; ``gguf_to_checkpoint``
turns a GGUF file into such a folder first. Both are used by ``build.py`` for
the registry's models and by the tests for tiny random models of each
architecture operators bring, so that the same code path is exercised.

CTranslate2 4.8's converter was written against transformers 4.x config
attributes. transformers 5 moved ``rope_theta`` / ``rope_scaling`` into
``config.rope_parameters`` (per layer type for Gemma 3), and the loaders fall
back to *silent defaults* (e.g. rope_theta=10000) when the old attribute is
missing, or fail (Phi-3: ``rope_scaling["type"]``). ``_LegacyConfig`` hands
the loaders the 4.x view, so that the converted model computes what the
checkpoint does (the architecture tests compare log-likelihoods against
transformers to hold this).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import BuildDependencyError, BuildError

# Files kept beside a generator / encoder model, when the checkpoint has them.
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "chat_template.jinja",
    "generation_config.json",
)

_MISSING = object()


def _offline_env():
    # Nothing may reach a hub at build time either.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def import_build_deps():
    """(torch, transformers, ctranslate2.converters) or a BuildDependencyError naming the install."""
    _offline_env()
    try:
        import torch  # noqa: F401
        import transformers
        from ctranslate2 import converters
    except ImportError as exc:
        raise BuildDependencyError(f"building models needs torch and transformers ({exc})") from None
    import torch

    return torch, transformers, converters


def _rope_params(config):
    rp = config.__dict__.get("rope_parameters", _MISSING)
    if rp is _MISSING:
        rp = getattr(config, "rope_parameters", None)
    return rp if isinstance(rp, dict) else None


class _LegacyConfig:
    """A transformers-5 config seen through transformers-4 attribute names (read-only shim)."""

    def __init__(self, config):
        object.__setattr__(self, "_cfg", config)

    def __getattr__(self, name):
        cfg = object.__getattribute__(self, "_cfg")
        rp = _rope_params(cfg)
        if rp is not None:
            per_type = "rope_theta" not in rp and any(isinstance(v, dict) for v in rp.values())
            if name == "rope_theta":
                if per_type:
                    full = rp.get("full_attention") or {}
                    if "rope_theta" in full:
                        return full["rope_theta"]
                elif "rope_theta" in rp:
                    return rp["rope_theta"]
            if name == "rope_local_base_freq" and per_type:
                sliding = rp.get("sliding_attention") or {}
                if "rope_theta" in sliding:
                    return sliding["rope_theta"]
            if name == "rope_scaling":
                if per_type:
                    return None
                rope_type = rp.get("rope_type") or rp.get("type") or "default"
                if rope_type == "default":
                    return None
                # rope_theta stays: the 4.8 Llama loader reads it from the scaling dict.
                legacy = {k: v for k, v in rp.items() if k != "partial_rotary_factor"}
                legacy["type"] = legacy["rope_type"] = rope_type
                return legacy
        value = getattr(cfg, name)
        if name == "text_config" and value is not None and value is not cfg:
            return _LegacyConfig(value)
        return value

    def __setattr__(self, name, value):
        setattr(object.__getattribute__(self, "_cfg"), name, value)


class _RotaryShim:
    def __init__(self, long_factor=None, short_factor=None):
        self.long_factor = long_factor
        self.short_factor = short_factor


def _patch_model(model):
    """Make a transformers-5 model readable by CTranslate2 4.8's loaders."""
    legacy = _LegacyConfig(model.config)
    arch = model.config.__class__.__name__
    if arch == "Phi3Config":
        # The 4.8 Phi-3 loader reads long/short RoPE factors per attention layer;
        # transformers 5 keeps them in the config only.
        scaling = legacy.rope_scaling or {}
        shim = _RotaryShim(scaling.get("long_factor"), scaling.get("short_factor"))
        for layer in model.model.layers:
            if not hasattr(layer.self_attn, "rotary_emb"):
                layer.self_attn.rotary_emb = shim
    # Loaders only read model.config; nn.Module keeps a plain attribute for it.
    model.__dict__["config"] = legacy
    return model


def _fix_spec(spec, config: dict):
    """Complete what CTranslate2 4.8's loaders leave out of the spec (values from config.json)."""
    import numpy as np

    text = config.get("text_config") or config
    spec_config = getattr(spec, "config", None)
    eps = text.get("rms_norm_eps") or text.get("layer_norm_eps")
    if spec_config is not None and eps and getattr(spec_config, "layer_norm_epsilon", 0) is None:
        # Phi-3: the loader never sets it, and the runtime default (1e-6) differs from 1e-5.
        spec_config.layer_norm_epsilon = float(eps)
    rope = text.get("rope_parameters") or text.get("rope_scaling") or {}
    rope_type = rope.get("rope_type") or rope.get("type")
    decoder = getattr(spec, "decoder", None)
    if rope_type == "llama3" and decoder is not None:
        # Llama 3.1/3.2: the spec writes the low/high frequency factors but neither the
        # scaling factor nor the original context length, so the runtime applies none.
        factor = float(rope.get("factor", 1.0))
        original = int(rope.get("original_max_position_embeddings") or text.get("original_max_position_embeddings") or 8192)
        for layer in decoder.layer:
            attention = layer.self_attention
            # Specs are frozen once built; these two variables are ones the runtime reads.
            object.__setattr__(attention, "rotary_scaling_factor", np.dtype("float32").type(factor))
            object.__setattr__(
                attention, "original_max_position_embeddings", np.dtype("int32").type(original)
            )
    model_type = text.get("model_type")
    if decoder is not None and model_type in ("gemma2", "gemma3", "gemma3_text"):
        from ctranslate2.specs import model_spec

        softcap = text.get("final_logit_softcapping")
        if softcap and getattr(decoder, "final_logit_softcapping", model_spec.OPTIONAL) is model_spec.OPTIONAL:
            decoder.final_logit_softcapping = np.dtype("float32").type(softcap)
        scalar, head_dim = text.get("query_pre_attn_scalar"), text.get("head_dim")
        if scalar and head_dim and scalar != head_dim:
            # Gemma scales queries by query_pre_attn_scalar**-0.5, not head_dim**-0.5 (Gemma 2 27B).
            for layer in decoder.layer:
                if getattr(layer.self_attention, "queries_scale", model_spec.OPTIONAL) is model_spec.OPTIONAL:
                    layer.self_attention.queries_scale = np.dtype("float32").type(scalar ** -0.5)
    return spec


def approximations(config: dict) -> list[str]:
    """What the CTranslate2 runtime computes differently from the checkpoint (for the manifest)."""
    text = config.get("text_config") or config
    notes = []
    if text.get("attn_logit_softcapping"):
        notes.append(
            "attention logit soft-capping (%s) is not applied by CTranslate2; scores differ slightly "
            "on long or peaked attention" % text["attn_logit_softcapping"]
        )
    return notes


def _converter_class(converters):
    class ColonyTransformersConverter(converters.TransformersConverter):
        def load_model(self, model_class, model_name_or_path, **kwargs):
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            return _patch_model(model)

        def _load(self):
            spec = super()._load()
            try:
                config = json.loads((Path(self._model_name_or_path) / "config.json").read_text())
            except (OSError, ValueError):
                return spec
            return _fix_spec(spec, config)

    return ColonyTransformersConverter


def convert_checkpoint(
    src_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    quantization: str | None = "int8",
    copy_files: Iterable[str] | None = None,
    force: bool = False,
) -> Path:
    """Convert a transformers checkpoint folder into a CTranslate2 model folder.

    ``quantization``: int8, int8_float16, float16, bfloat16, float32 or None
    (keep the checkpoint's dtype). Tokenizer files present in ``src_dir`` are
    copied beside the model; ``copy_files`` adds more.
    """
    _, transformers, converters = import_build_deps()
    src_dir = Path(src_dir)
    if not (src_dir / "config.json").is_file():
        raise BuildError(f"{src_dir} is not a transformers checkpoint (no config.json)")
    files = [f for f in TOKENIZER_FILES if (src_dir / f).is_file()]
    for extra in copy_files or ():
        if extra not in files:
            files.append(extra)
    converter = _converter_class(converters)(str(src_dir), copy_files=files or None)
    try:
        out = converter.convert(str(out_dir), quantization=quantization, force=force)
    except (ValueError, NotImplementedError, KeyError, AttributeError, RuntimeError) as exc:
        raise BuildError(f"CTranslate2 cannot convert {src_dir}: {type(exc).__name__}: {exc}") from exc
    return Path(out)


def gguf_to_checkpoint(gguf_path: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Dequantise a GGUF file into a float32 transformers checkpoint folder with its tokenizer.

    transformers refuses to save a GGUF-loaded model while it carries the
    GGUF quantiser, so that is cleared first (the weights are already plain
    float tensors by then).
    """
    _, transformers, _ = import_build_deps()
    try:
        import gguf  # noqa: F401
    except ImportError:
        raise BuildDependencyError("reading a GGUF file needs the gguf package") from None
    gguf_path = Path(gguf_path)
    out_dir = Path(out_dir)
    kwargs = {"gguf_file": gguf_path.name}
    model = transformers.AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), **kwargs)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(gguf_path.parent), **kwargs)
    model.hf_quantizer = None
    for attr in ("quantization_config",):
        if attr in model.config.__dict__:
            delattr(model.config, attr)
    if getattr(model.config, "quantization_config", None) is not None:
        model.config.quantization_config = None
    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    try:
        model.generation_config.save_pretrained(str(out_dir))
    except Exception:  # noqa: BLE001 - a generation config is optional
        pass
    del model
    return out_dir


def convert_gguf(
    gguf_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    quantization: str | None = "int8",
    work_dir: str | os.PathLike | None = None,
    force: bool = False,
) -> Path:
    """GGUF file -> (temporary float32 checkpoint) -> CTranslate2 model folder."""
    tmp = Path(tempfile.mkdtemp(prefix="gguf-", dir=work_dir))
    try:
        gguf_to_checkpoint(gguf_path, tmp)
        return convert_checkpoint(tmp, out_dir, quantization=quantization, force=force)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def checkpoint_summary(src_dir: str | os.PathLike) -> dict:
    """Architecture facts worth keeping in the manifest."""
    try:
        config = json.loads((Path(src_dir) / "config.json").read_text())
    except (OSError, ValueError):
        return {}
    keys = ("model_type", "architectures", "hidden_size", "num_hidden_layers", "vocab_size")
    return {k: config[k] for k in keys if k in config}
