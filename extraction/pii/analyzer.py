"""The process-wide Presidio analyzer: offline spaCy engine + our recognizers."""
from __future__ import annotations

import logging
import threading
import time

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from . import gazetteers
from . import chunking
from .config import PiiConfig, load_config
from .offline import OfflineSpacyNlpEngine
from .postprocess import finalize
from .recognizers import build_recognizers
from .types import PiiSpan

log = logging.getLogger(__name__)

_BATCH_CHARS = 400_000


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
        return self.analyze_many([text])[0]

    def analyze_many(self, texts: list[str], batch_size: int = 32) -> list[list[PiiSpan]]:
        """The personal data in each text; spaCy runs on batches, which is faster for many short texts.

        A text longer than one window (chunking.py) is analysed window by window, so pages of any
        length are redacted; the post-processing then sees the whole text, as for a short one.
        """
        raw: list[list[PiiSpan]] = [[] for _ in texts]
        pieces = [(i, window) for i, text in enumerate(texts) if text and text.strip() for window in chunking.windows(text)]
        longest = max((w.end - w.start for _, w in pieces), default=1)
        # spaCy holds a whole batch in memory: fewer long windows at a time, so memory stays flat.
        batch_size = max(1, min(batch_size, _BATCH_CHARS // longest))
        batches = self.engine.nlp_engine.process_batch(
            (texts[i][w.start:w.end] for i, w in pieces), "en", batch_size=batch_size)
        for (i, window), (piece, artifacts) in zip(pieces, batches):
            for r in self.engine.analyze(text=piece, language="en", nlp_artifacts=artifacts):
                if window.owns(window.start + r.start):
                    raw[i].append(PiiSpan(window.start + r.start, window.start + r.end, r.entity_type, r.score))
        return [finalize(text, spans, self.config) if spans else [] for text, spans in zip(texts, raw)]


_instance: PiiAnalyzer | None = None
_lock = threading.Lock()


def get_analyzer() -> PiiAnalyzer:
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = PiiAnalyzer()
    return _instance
