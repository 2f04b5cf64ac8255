"""Air-gapped loading of the NLP model and the public-suffix list.

Presidio downloads a spaCy model whenever `spacy.load(name)` would fail, and
tldextract fetches the public suffix list on first use. The appliance has no
network, so both are loaded from installed packages only.
"""
from __future__ import annotations

import importlib
import logging
from functools import lru_cache

import tldextract
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

log = logging.getLogger(__name__)

# spaCy labels -> Presidio entity names. Labels not listed are dropped.
NER_MAPPING = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "NORP": "NRP",
    "ORG": "ORGANIZATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
IGNORED_LABELS = ["CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL", "PERCENT",
                  "PRODUCT", "QUANTITY", "WORK_OF_ART"]


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """SpacyNlpEngine that imports the model package instead of resolving a name.

    The parser is excluded: nothing downstream uses dependency arcs or sentences,
    and it is about a third of the pipeline's time. The attribute ruler and the
    lemmatizer are loaded (its WordNet tables serve as our English word list)
    but not run: recognizers read the tagger's Penn tags directly.
    """

    def __init__(self, package: str, exclude: tuple[str, ...] = ("parser", "senter"),
                 disable: tuple[str, ...] = ("attribute_ruler", "lemmatizer")):
        super().__init__(
            models=[{"lang_code": "en", "model_name": package}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=NER_MAPPING,
                labels_to_ignore=IGNORED_LABELS,
                low_score_entity_names=[],
            ),
        )
        self.package = package
        self.exclude = list(exclude)
        self.disable = list(disable)

    def load(self) -> None:
        module = importlib.import_module(self.package)
        self.nlp = {"en": module.load(exclude=self.exclude, disable=self.disable)}
        log.info("loaded spaCy package %s (running %s)", self.package, ", ".join(self.nlp["en"].pipe_names))


@lru_cache(maxsize=1)
def suffix_extractor() -> tldextract.TLDExtract:
    """tldextract on its bundled public-suffix snapshot: no URL to fetch, no cache dir."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def has_public_suffix(host: str) -> bool:
    return bool(suffix_extractor()(host).suffix)
