"""Deployment configuration of PII detection (YAML; see default_config.yaml)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).with_name("default_config.yaml")
ENV_VAR = "COLONY_PII_CONFIG"


@dataclass(frozen=True)
class PiiConfig:
    spacy_package: str
    entities: frozenset[str]
    thresholds: dict[str, float] = field(default_factory=dict)
    national_ids: tuple[str, ...] = ()
    operators: dict[str, str] = field(default_factory=dict)  # entity type (or "default") -> redact operator

    def threshold(self, entity: str) -> float:
        return self.thresholds.get(entity, self.thresholds.get("default", 0.5))


def load_config(path: str | os.PathLike | None = None) -> PiiConfig:
    """Defaults overlaid with the file at `path` (or $COLONY_PII_CONFIG)."""
    with open(DEFAULT_PATH, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    path = path or os.environ.get(ENV_VAR)
    if path:
        with open(path, encoding="utf-8") as fh:
            override = yaml.safe_load(fh) or {}
        thresholds = {**data.get("thresholds", {}), **override.pop("thresholds", {})}
        operators = {**(data.get("operators") or {}), **(override.pop("operators", None) or {})}
        data.update(override)
        data["thresholds"] = thresholds
        data["operators"] = operators
    return PiiConfig(
        spacy_package=data["spacy_package"],
        entities=frozenset(data["entities"]),
        thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
        national_ids=tuple(c.upper() for c in data.get("national_ids", [])),
        operators={str(k): str(v) for k, v in (data.get("operators") or {}).items()},
    )
