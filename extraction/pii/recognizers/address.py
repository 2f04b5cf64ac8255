"""Street addresses, as one span from the street line to the postcode.

A street line is found by its shape (house number + words ending in a street
word, a street word + house number, PO boxes, military addresses). The span
then grows over the following comma- or line-separated segments while they
look like address parts: unit, town, state, country, postcode.
"""
from __future__ import annotations

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from .. import gazetteers

# Street words standing alone ("Crown Street", "Glyn St").
_SUFFIX_WORDS = (
    r"street|st|str|road|rd|avenue|ave|av|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|"
    r"square|sq|squares|terrace|way|walk|close|crescent|cres|parkway|pkwy|highway|hwy|alley|"
    r"circle|cir|row|mews|hill|gardens|garden|grove|park|trail|trl|path|pike|plaza|point|"
    r"junction|jct|stream|motorway|underpass|village|villages|flats|locks|lock|tunnel|"
    r"crossing|creek|ridge|heights|harbor|harbour|meadow|meadows|summit|view|vista|"
    r"forges|forge|green|glen|expressway|freeway|turnpike|loop|bypass|causeway|estates|"
    r"fields|ford|fort|island|isle|landing|manor|mill|mills|mission|orchard|pass|passage|"
    r"pines|port|prairie|ranch|ramp|rest|river|route|shoal|shoals|shore|shores|spring|"
    r"springs|station|streets|throughway|trace|track|trafficway|union|unions|valley|viaduct|"
    r"ville|wall|wells|centre|center|cove|canyon|cape|camp|bend|bluff|brook|burg|"
    r"bridge|branch|bottom|extension|falls|ferry|lake|lakes|knoll|keys|key|hollow|inlet|"
    r"oval|overpass|parks|plains|plain|radial|rapids|run|skyway|spur|stravenue|"
    r"divide|dale|dam|curve|corner|corners|common|commons|club|cliff|cliffs|arcade|"
    r"wynd|quay|rise|embankment|broadway"
)
# Street words that other languages glue to the name ("Koskikatu", "Bundesstrasse").
_GLUED_SUFFIXES = (
    r"strasse|straße|str|gasse|weg|allee|platz|ring|damm|ufer|chaussee|steig|pfad|hof|"
    r"laan|straat|gracht|plein|kade|dijk|singel|steeg|"
    r"vej|gade|allé|vænget|stræde|gatan|gata|vägen|väg|gränd|veien|vegen|veg|gaten|stien|"
    r"katu|tie|kuja|polku|kaari|rinne|tanhua|raitti|utca|útja|körút|ulice|ulica|cesta|"
    r"street|road|lane|avenue|gardens|park"
)
_PREFIX_WORDS = (
    r"rua|via|viale|vicolo|piazza|piazzale|corso|strada|calle|carrer|camino|paseo|avenida|"
    r"av\.|avda\.?|travessa|largo|praça|praca|alameda|rue|avenue|boulevard|bd|place|chemin|"
    r"impasse|allée|quai|route|cours|ulica|ul\.|aleja|al\.|plac|odos|leoforos|calea|strada|"
    r"stradela|bulevardul|bd\.|ulitsa|prospekt"
)
_CAP = r"(?:\p{Lu}[\p{L}'’.-]*|\d+(?:st|nd|rd|th)|\p{Lu}\.)"
_LINK = r"(?:de|del|la|las|los|do|da|das|dos|di|della|du|des|le|of|the|and|am|an|der|van|von|on|upon|e|y)"
_WORD = rf"(?:{_CAP}|{_LINK})"
_NUM = r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?"
_SUFFIXED = (
    rf"(?:(?=\p{{Lu}})(?i:{_SUFFIX_WORDS})(?!\p{{L}})\.?"
    rf"|\p{{Lu}}\p{{L}}{{2,}}(?i:{_GLUED_SUFFIXES})(?!\p{{L}})"
    r"|(?:str|u|ul)\.|str(?!\p{L}))"
)
_H = r"[ \t]"

_STREET = re.compile(
    rf"""
    (?<![\w-])
    (?:
        (?:{_NUM},?{_H}+)?(?:{_CAP}{_H}+){{0,1}}(?i:{_PREFIX_WORDS}){_H}+(?:{_WORD}{_H}+){{0,4}}{_CAP}(?:{_H}*,?{_H}+{_NUM})?
      | {_NUM},?{_H}+(?:{_CAP}{_H}+(?:{_WORD}{_H}+){{0,3}})?{_SUFFIXED}(?:{_H}+{_NUM}(?![.,]\d))?
      | (?:{_CAP}{_H}+){{0,3}}{_SUFFIXED}{_H}+{_NUM}(?![.,]\d)
      | {_NUM}{_H}+(?:{_CAP}{_H}+){{0,3}}{_CAP}{_H}+\d{{1,5}}[A-Z]?(?![.,]\d)
      | (?i:p\.?{_H}?o\.?{_H}?box|post{_H}+office{_H}+box|postfach|apartado){_H}+\d+
      | (?:PSC|Unit|CMR){_H}+\d{{3,5}},?{_H}+Box{_H}+\d{{3,5}}
      | (?:USNS|USS|USNV|USCGC){_H}+{_CAP}(?:{_H}+{_CAP})?
      | (?i:the{_H}+)?(?i:corner{_H}+of){_H}+(?:\S+{_H}+){{1,5}}?and{_H}+(?:{_WORD}{_H}+){{0,3}}{_CAP}
    )
    (?![\w-])
    """,
    re.VERBOSE,
)

_SECONDARY = r"(?i:apt\.?|apartment|suite|ste\.?|unit|floor|fl\.?|room|rm\.?|bldg\.?|building|box|flat|\#)\s*\#?\d+[A-Za-z]?"
_POSTCODE = (r"(?:\d{5}(?:-\d{3,4})?|\d{3}\s\d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4}(?:\s?\p{Lu}{2})?|\d{3}"
             r"|\p{Lu}{1,2}\d[\p{Lu}\d]?\s?\d\p{Lu}{2}|\p{Lu}\d\p{Lu}\s?\d\p{Lu}\d)")
_STATE = r"(?:\p{Lu}{2,3}|nan)"
_MILITARY = r"(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}"
_PLACE = rf"(?:{_CAP}(?:[\s-]+(?:{_WORD}|\d{{1,2}})){{0,4}})"
_SEGMENT = re.compile(
    rf"""
    (?:
        {_MILITARY}
      | {_SECONDARY}(?:\s+(?:{_SECONDARY}))?
      | {_POSTCODE}(?:\s+{_PLACE})?
      | {_PLACE}(?:\s*,?\s+{_STATE})?(?:\s*,?\s+{_POSTCODE})?
      | {_STATE}(?:\s+{_POSTCODE})?
      | \[[\w\x20]{{3,20}}\]
    )
    """,
    re.VERBOSE,
)
# Same line, no comma: only a unit, a postcode or a state + postcode may follow.
_TAIL = re.compile(rf"(?:{_SECONDARY}|(?:{_CAP}{_H}+){{0,3}}{_SUFFIXED}|{_STATE}\s+{_POSTCODE}|{_POSTCODE})(?![\w-])")
_SEP = re.compile(r"[ \t]*(?:,[ \t]*|\n\s*\n[ \t]*|\n[ \t]*(?:,[ \t]*)?)")
_SEGMENT_END = re.compile(r"[,\n?!;:]|\.(?:\s|$)|$")


def _grow(text: str, end: int) -> int:
    """Extend an address span over the address-like segments that follow it."""
    for _ in range(8):
        sep = _SEP.match(text, end)
        if sep and sep.end() > end:
            stop = _SEGMENT_END.search(text, sep.end())
            seg_end = stop.start() if stop else len(text)
            if text[seg_end:seg_end + 1] == ":":  # a label line ("Phone:") ends the address
                break
            m = _SEGMENT.fullmatch(text, sep.end(), seg_end)
            if not m:
                seg = text[sep.end():seg_end].rstrip()
                m = _SEGMENT.fullmatch(text, sep.end(), sep.end() + len(seg)) if seg else None
            if m:
                end = m.end()
                continue
            break
        m = _TAIL.match(text, end + 1) if text[end:end + 1] in (" ", "\t") else None
        if m:
            end = m.end()
            continue
        break
    return end


class AddressRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["STREET_ADDRESS"], name="AddressRecognizer",
                         supported_language="en")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        out = []
        english = gazetteers.english_words()
        for m in _STREET.finditer(text, overlapped=False):
            if not m.group()[0].isdigit() and all(
                    w.lower() in english for w in re.findall(r"\p{L}{2,}", m.group())):
                continue  # "During 1971", "Spring 12": ordinary words before a number
            end = _grow(text, m.end())
            score = 0.6 if end == m.end() else 0.8
            out.append(RecognizerResult("STREET_ADDRESS", m.start(), end, score))
        return out


def zip_code():
    """A postcode after its label ("ZIP: 3520", "my zip code is 76400")."""
    from .base import RegexRecognizer, rule

    return RegexRecognizer("ZIP_CODE", [
        rule(rf"\b(?:zip|postal|post|postcode|plz|cap|cp)(?:\s*code)?(?:\s+is)?\s*[:#]?\s*(?P<pii>{_POSTCODE})(?![\w-])",
             0.85, flags=re.IGNORECASE),
    ])
