"""The process-wide Presidio analyzer: offline spaCy engine + our recognizers."""
from __future__ import annotations

import logging
import threading
import time

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from . import gazetteers
from .config import PiiConfig, load_config
from .offline import OfflineSpacyNlpEngine
from .postprocess import finalize
from .recognizers import build_recognizers
from .types import PiiSpan

log = logging.getLogger(__name__)


class PiiAnalyzer:
    """Presidio AnalyzerEngine configured for the appliance.

    Thread-safe after construction: spaCy pipelines and the recognizers keep no
    per-call state.
    """

    def __init__(self, config: PiiConfig | None = None):
        started = time.monotonic()
        self.config = config or load_config()
        nlp_engine = OfflineSpacyNlpEngine(self.config.spacy_package)
        nlp_engine.load()
        gazetteers.english_words(nlp_engine.get_nlp("en"))  # warm the word list before threads use it
        registry = RecognizerRegistry(recognizers=build_recognizers(self.config), supported_languages=["en"])
        self.engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
        log.info("PII analyzer ready in %.1fs with %d recognizers", time.monotonic() - started,
                 len(registry.recognizers))

    def analyze(self, text: str) -> list[PiiSpan]:
        if not text or not text.strip():
            return []
        return self._finish(text, self.engine.analyze(text=text, language="en"))

    def analyze_many(self, texts: list[str], batch_size: int = 32) -> list[list[PiiSpan]]:
        """Like analyze() per text; spaCy runs on batches, which is faster for many short texts."""
        out: list[list[PiiSpan]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t and t.strip()]
        batches = self.engine.nlp_engine.process_batch([texts[i] for i in todo], "en", batch_size=batch_size)
        for i, (text, artifacts) in zip(todo, batches):
            out[i] = self._finish(text, self.engine.analyze(text=text, language="en", nlp_artifacts=artifacts))
        return out

    def _finish(self, text: str, results) -> list[PiiSpan]:
        raw = [PiiSpan(r.start, r.end, r.entity_type, r.score) for r in results]
        return finalize(text, raw, self.config)


_instance: PiiAnalyzer | None = None
_lock = threading.Lock()


def get_analyzer() -> PiiAnalyzer:
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = PiiAnalyzer()
    return _instance
