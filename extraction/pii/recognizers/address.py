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
from .base import lowercase_text

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
    r"wynd|quay|rise|embankment|broadway|gate|gata|gatan|gade|vej|vei|veien|terrasse|kapu|útja|"
    r"utca|út|tér|körút|rkp|sor|plass|torg|allé|stræde|straße|strasse|straße|weg|vegen"
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
    r"impasse|allée|quai|route|cours|ulica|ul\.|aleja|al\.|plac|odos|leoforos|calea|"
    r"stradela|bulevardul|bd\.|ulitsa|prospekt|trg"
)
_LINK = (r"(?:de|del|dei|degli|delle|dello|la|las|los|do|da|das|dos|di|della|du|des|le|of|the|and|"
         r"am|an|der|van|von|on|upon|e|y|zum|zur|im|al|el)")
_NUM = r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?"
_H = r"[ \t]"
_SECONDARY = (r"(?i:apt\.?|apartment|suite|ste\.?|unit|floor|fl\.?|room|rm\.?|bldg\.?|building|box|flat|\#)"
              r"[ \t]*\#?\d+[A-Za-z]?")


def _street_regex(lower: bool) -> re.Pattern:
    """Street-line shapes; `lower` is for text typed without capitals."""
    cap = r"(?:\p{L}[\p{L}'’.-]*)" if lower else r"(?:\p{Lu}[\p{L}'’.-]*|\d+(?:st|nd|rd|th)|\p{Lu}\.)"
    word = rf"(?:{cap}|{_LINK})"
    street_word = rf"(?:(?i:{_SUFFIX_WORDS})(?!\p{{L}})\.?)"
    suffixed = (rf"(?:(?=\p{{Lu}}){street_word}|\p{{Lu}}\p{{L}}{{2,}}(?i:{_GLUED_SUFFIXES})(?!\p{{L}})"
                r"|(?:str|u|ul|rkp)\.|str(?!\p{L}))")
    if lower:
        suffixed = rf"(?:{street_word}|\p{{L}}{{3,}}(?i:{_GLUED_SUFFIXES})(?!\p{{L}}))"
    prefix = rf"(?i:{_PREFIX_WORDS})" if lower else rf"(?=\p{{Lu}})(?i:{_PREFIX_WORDS})"
    lead = rf"(?:{_SECONDARY}{_H}+)?(?:\d{{1,6}}{_H}+)?"  # "Apt. 675 62314 ...", "17151 2450 Crown St"
    flags = re.VERBOSE | (re.IGNORECASE if lower else 0)
    return re.compile(
        rf"""
        (?<![\w-])
        (?:
            {lead}(?:{_NUM},?{_H}+)?(?:{cap}{_H}+)?{prefix}{_H}+(?:\p{{L}}[\p{{L}}'’.-]*{_H}+){{0,4}}{cap}(?:{_H}*,?{_H}+{_NUM}\.?)?
          | {lead}{_NUM},?{_H}+(?:{cap}{_H}+(?:{word}{_H}+){{0,3}})?{suffixed}(?:{_H}+{_NUM}(?![.,]\d)\.?)?
          | {lead}{_NUM}{_H}+(?:{cap}{_H}+){{1,3}}{street_word}{_H}+{_NUM}\.?
          | (?P<bare>(?:{cap}{_H}+){{0,3}}{suffixed}{_H}+{_NUM}(?![.,]\d))
          | {lead}{_NUM}{_H}+(?:{cap}{_H}+){{0,3}}{cap}{_H}+\d{{1,5}}[A-Z]?(?![.,]\d)
          | (?i:p\.?{_H}?o\.?{_H}?box|post{_H}+office{_H}+box|postfach|apartado){_H}+\d+(?:{_H}+(?:{cap}{_H}+){{0,2}}{suffixed})?
          | (?i:(?:psc|unit|cmr){_H}+\d{{3,5}},?{_H}+box{_H}+\d{{3,5}})
          | (?i:(?:usns|uss|usnv|uscgc){_H}+){cap}(?:{_H}+{cap})?
          | (?i:the{_H}+)?(?i:corner{_H}+of){_H}+(?:\S+{_H}+){{1,6}}?(?i:and){_H}+(?:{word}{_H}+){{0,3}}{cap}(?:{_H}+(?i:st\.|street))?
        )
        (?![\w-])
        """,
        flags,
    )


_STREET = _street_regex(lower=False)
_STREET_LOWER = _street_regex(lower=True)

_CAPW = r"(?:\p{Lu}[\p{L}'’.-]*|\d+(?:st|nd|rd|th))"
_POSTCODE = (r"(?:\d{5}(?:-\d{3,4})?|\d{3}\s\d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4}(?:\s?\p{Lu}{2})?|\d{3}"
             r"|\p{Lu}{1,2}\d[\p{Lu}\d]?\s?\d\p{Lu}{2}|\p{Lu}\d\p{Lu}\s?\d\p{Lu}\d)")
_STATE = r"(?:\p{Lu}{2,3}|nan|\d{1,2})"
_MILITARY = r"(?i:(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5})"
_PAREN = r"(?:[ \t]*\([^()\n]{1,30}\))?"
_PLACE = rf"(?:{_CAPW}(?:[ \t-]+(?:{_CAPW}|{_LINK}|\d{{1,2}}))*{{0,4}}{_PAREN})"
_PLACE = rf"(?:{_CAPW}(?:[ \t-]+(?:{_CAPW}|{_LINK}|\d{{1,2}})){{0,4}}{_PAREN})"
_PLACE_LOWER = rf"(?:\p{{L}}[\p{{L}}'’.-]*(?:[ \t-]+\p{{L}}[\p{{L}}'’.-]*){{0,4}})"


def _segment_regex(place: str) -> re.Pattern:
    return re.compile(
        rf"""
        (?:
            {_MILITARY}
          | {_SECONDARY}(?:[ \t]+(?:{_SECONDARY}))?(?:[ \t]+{place})?
          | {_POSTCODE}(?:[ \t]+{place})?
          | {place}(?:[ \t]*,?[ \t]+{_STATE})?(?:[ \t]*,?[ \t]+{_POSTCODE})?
          | {_STATE}(?:[ \t]+{_POSTCODE})?
          | \[[\w\x20]{{3,20}}\]
        )
        """,
        re.VERBOSE,
    )


_SEGMENT = _segment_regex(_PLACE)
_SEGMENT_LOWER = _segment_regex(_PLACE_LOWER)
# Same line, no comma: only a unit, a street word, a postcode or a state + postcode may follow.
_TAIL = re.compile(rf"(?:{_SECONDARY}(?:[ \t]+{_PLACE})?|(?:{_CAPW}{_H}+){{0,3}}(?:\p{{Lu}}\p{{L}}{{2,}}(?i:{_GLUED_SUFFIXES})|(?=\p{{Lu}})(?i:{_SUFFIX_WORDS}))\.?|{_STATE}\s+{_POSTCODE}|{_POSTCODE})(?![\w-])")
_TAIL_LOWER = re.compile(rf"(?i:{_SECONDARY}(?:[ \t]+{_PLACE_LOWER})?|{_POSTCODE})(?![\w-])")
# Line prefixes of quoted mail ("> ") and of lost characters ("??? ").
_SEP = re.compile(r"[ \t]*(?:,[ \t]*|(?:\n[ \t]*(?:>+|\?{2,}|[|*-])?[ \t]*){1,3}(?:,[ \t]*)?)")
_SENTENCE_GOES_ON = re.compile(r"[ \t]+\p{Ll}+\b")
_LINE_STOP = re.compile(r"[,\n?!;:]|$")


def _candidates(text: str, start: int, stop: int):
    """The segment as far as the line goes, then cut at a sentence end."""
    region = text[start:stop].rstrip(" \t.")
    yield region
    cut = re.search(r"\.\s", region)
    if cut:
        yield region[:cut.start()].rstrip(" \t.")


def _grow(text: str, end: int, lower: bool) -> int:
    """Extend an address span over the address-like segments that follow it."""
    segment, tail = (_SEGMENT_LOWER, _TAIL_LOWER) if lower else (_SEGMENT, _TAIL)
    for _ in range(8):
        sep = _SEP.match(text, end)
        if sep and sep.end() > end:
            stop = _LINE_STOP.search(text, sep.end())
            if text[stop.start():stop.start() + 1] == ":":  # a label line ("Phone:") ends the address
                break
            for cand in _candidates(text, sep.end(), stop.start()):
                if cand and segment.fullmatch(cand):
                    end = sep.end() + len(cand)
                    break
            else:
                # "DPO AP 70942 in case of an issue": the address ends where the sentence goes on.
                m = segment.match(text, sep.end(), stop.start())
                if m and _SENTENCE_GOES_ON.match(text, m.end()):
                    end = m.end()
                break
            continue
        m = tail.match(text, end + 1) if text[end:end + 1] in (" ", "\t") else None
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
        lower = lowercase_text(text)
        for m in (_STREET_LOWER if lower else _STREET).finditer(text):
            if m.group("bare") and all(gazetteers.is_common_word(w) for w in re.findall(r"\p{L}{2,}", m.group())):
                continue  # "During 1971", "Spring 12": ordinary words before a number
            end = _grow(text, m.end(), lower)
            score = 0.7 if end == m.end() else 0.9
            out.append(RecognizerResult("STREET_ADDRESS", m.start(), end, score))
        return out


def zip_code():
    """A postcode after its label ("ZIP: 3520", "my zip code is 76400")."""
    from .base import RegexRecognizer, rule

    return RegexRecognizer("ZIP_CODE", [
        rule(rf"\b(?:zip|postal|post|postcode|plz|cap|cp)(?:\s*code)?(?:\s+is)?\s*[:#]?\s*(?P<pii>{_POSTCODE})(?![\w-])",
             0.85, flags=re.IGNORECASE),
    ])
