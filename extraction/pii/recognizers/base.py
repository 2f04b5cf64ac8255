"""A regex recognizer with explicit context windows.

Presidio's PatternRecognizer boosts scores with lemma context found anywhere in
a five-word prefix; ours states per rule which words count, how far before or
after the match, and by how much, so the score of a match is easy to reason
about and cheap to compute.
"""
from __future__ import annotations

import regex as re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from presidio_analyzer import EntityRecognizer, RecognizerResult


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern
    score: float
    # Named group "pii" narrows the reported span (e.g. the number after "age of").
    validate: Optional[Callable[[str], bool]] = None
    context: Optional[re.Pattern] = None
    context_boost: float = 0.0
    before: int = 40
    after: int = 0
    # A rule that needs its context is dropped without it.
    needs_context: bool = False


def rule(pattern: str, score: float, flags: int = re.IGNORECASE, context: Optional[str] = None,
         **kw) -> Rule:
    ctx = re.compile(context, re.IGNORECASE) if context else None
    return Rule(re.compile(pattern, flags), score, context=ctx, **kw)


def span_of(m: re.Match) -> tuple[int, int]:
    if "pii" in m.re.groupindex and m.group("pii") is not None:
        return m.span("pii")
    return m.span()


class RegexRecognizer(EntityRecognizer):
    def __init__(self, entity: str, rules: Iterable[Rule], name: Optional[str] = None):
        self.rules = list(rules)
        super().__init__(supported_entities=[entity], name=name or f"{entity.title()}Recognizer",
                         supported_language="en")
        self.entity = entity

    def load(self) -> None:  # nothing to load
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        out = []
        for r in self.rules:
            for m in r.regex.finditer(text):
                start, end = span_of(m)
                value = text[start:end]
                if not value or (r.validate and not r.validate(value)):
                    continue
                score = r.score
                if r.context is not None:
                    window = text[max(0, m.start() - r.before):m.start()]
                    if r.after:
                        window += " " + text[m.end():m.end() + r.after]
                    if r.context.search(window):
                        score = min(1.0, score + r.context_boost)
                    elif r.needs_context:
                        continue
                out.append(RecognizerResult(self.entity, start, end, score))
        return out


def lowercase_text(text: str) -> bool:
    """Text typed without capitals ("my name is naomi ryan"), where case says nothing about names."""
    return sum(c.isupper() for c in text) <= 1 and any(c.isalpha() for c in text)


# Penn tags straight from the tagger: the attribute ruler that would map them
# to coarse POS is not run (offline.py), it costs more than it tells us.
PROPER_NOUN_TAGS = frozenset({"NNP", "NNPS"})
