"""Specialists on disk: versioned artefacts per type under the models directory, and which one is promoted.

    <models dir>/specialists/<type>/v1/{rankers.joblib, meta.json}
    <models dir>/specialists/<type>/promoted.json  -> {"version": "v1"}

(``$COLONY_SPECIALISTS_DIR`` instead of ``<models dir>/specialists`` when set.)

A worker loads the promoted version once per change of ``promoted.json`` and uses that object for a
whole document, so a training run that promotes a new version meanwhile never mixes two versions
within one document.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

from extraction.fields.general.specialist import META_FILE, Specialist, SpecialistError
from extraction.slm.registry import default_models_dir

PROMOTED = "promoted.json"
LOCK_FILE = ".training.lock"
DIR_ENV = "COLONY_SPECIALISTS_DIR"
_cache: dict[Path, tuple[float, object]] = {}
_lock = threading.Lock()


def root(models_dir: Path | None = None) -> Path:
    if models_dir is None and os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    return Path(models_dir or default_models_dir()) / "specialists"


def type_dir(type_name: str, models_dir: Path | None = None) -> Path:
    if not re.fullmatch(r"[a-z0-9_-]+", type_name):
        raise ValueError(f"not a type name: {type_name!r}")
    return root(models_dir) / type_name


@contextmanager
def training_lock(type_name: str, models_dir: Path | None = None):
    """Held while a type's specialist is trained, compared and promoted: a second run (train_type
    beside an automatic retraining, or two workers) waits for the first, then takes the next version
    number and is compared with what the first promoted. Without it both took the same number and
    the later overwrote the earlier's artefact. An OS file lock: released if the process dies."""
    directory = type_dir(type_name, models_dir)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def next_version(type_name: str, models_dir: Path | None = None) -> str:
    numbers = [int(p.name[1:]) for p in _version_dirs(type_name, models_dir)]
    return f"v{max(numbers, default=0) + 1}"


def _version_dirs(type_name, models_dir=None) -> list[Path]:
    directory = type_dir(type_name, models_dir)
    if not directory.is_dir():
        return []
    return sorted((p for p in directory.iterdir() if p.is_dir() and re.fullmatch(r"v\d+", p.name)),
                  key=lambda p: int(p.name[1:]))


def versions(type_name: str, models_dir: Path | None = None) -> list[dict]:
    """The meta of every stored version, oldest first, each with ``promoted`` set."""
    current = promoted_version(type_name, models_dir)
    listed = []
    for directory in _version_dirs(type_name, models_dir):
        try:
            meta = json.loads((directory / META_FILE).read_text())
        except (OSError, ValueError):
            meta = {"version": directory.name, "error": "unreadable"}
        listed.append({**meta, "version": directory.name, "promoted": directory.name == current})
    return listed


def save(specialist: Specialist, models_dir: Path | None = None) -> Path:
    directory = type_dir(specialist.type_name, models_dir) / specialist.version
    specialist.save(directory)
    return directory


def promoted_version(type_name: str, models_dir: Path | None = None) -> str | None:
    try:
        return json.loads((type_dir(type_name, models_dir) / PROMOTED).read_text())["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def promote(type_name: str, version: str, models_dir: Path | None = None) -> None:
    """Make ``version`` the one workers use; written atomically (a reader sees the old or the new one)."""
    directory = type_dir(type_name, models_dir)
    temporary = directory / f".{PROMOTED}.{os.getpid()}"
    temporary.write_text(json.dumps({"version": version}))
    os.replace(temporary, directory / PROMOTED)


def load_promoted(type_name: str, models_dir: Path | None = None) -> Specialist | SpecialistError | None:
    """The promoted specialist of a type; None when none is trained; a SpecialistError when it is unusable."""
    try:
        pointer = type_dir(type_name, models_dir) / PROMOTED
    except ValueError:
        return None
    try:
        stamp = pointer.stat().st_mtime_ns
    except OSError:
        return None
    with _lock:
        cached = _cache.get(pointer)
        if cached and cached[0] == stamp:
            return cached[1]
        version = promoted_version(type_name, models_dir)
        try:
            loaded = Specialist.load(type_dir(type_name, models_dir) / str(version))
        except SpecialistError as exc:
            loaded = exc
        _cache[pointer] = (stamp, loaded)
        return loaded
