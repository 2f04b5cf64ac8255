"""What a party's name looks like: legal forms, people's names, role words that are not names, cleaning a
name as written, and the Kleister annotators' form of it."""
from __future__ import annotations

import re

from extraction.fields.places import US_STATES

# Legal forms ("company endings"): several lists, different on purpose.
# - _SUFFIX: what may end a company's name, legal forms and also words that close many names (Bank,
#   Trust, Partners, Holdings, Group, ...): it finds and recognises names, so it reaches wide. Case as
#   written ('Inc', 'plc'); _SUFFIX_I is the same list for signature blocks in capitals.
# - _LEGAL_FORM: legal forms only, to see two names read as one ('A, Inc. and B, L.P.'): the wider
#   words also stand before 'and' inside a single name ('First Bank and Trust Company').
# - _SUFFIX_THEN_NAME: forms in capitals, to split a signature line that holds two columns' names
#   ('ACME, INC. BOLT LLC'): words such as HOLDINGS or PARTNERS are left out, as a name may go on after
#   them ('ACME HOLDINGS CORP').
# (kleister_name's lists are how the annotators spell forms, 'LLC' in capitals, 'Inc.' with its period.)
_SUFFIX_WORDS = (
    r"(?:Inc|Incorporated|Corp|Corporation|Co|Company|LLC|L\.\s?L\.\s?C|LLP|L\.\s?L\.\s?P|LP|L\.\s?P|Ltd|Limited|"
    r"PLC|plc|P\.L\.C|N\.\s?V|S\.\s?A|SA|AG|GmbH|ASA|AB|SE|S\.p\.A|B\.V|BV|Bancorp|Bancshares|Bank|Trust|"
    r"Partners|Holdings|Group|Fund|Associates|Enterprises|Technologies|Systems)"
)
_SUFFIX = _SUFFIX_WORDS + r"\.?"  # with the abbreviation's dot
_SUFFIX_I = "(?i:" + _SUFFIX + ")"
_LEGAL_FORM = r"(?:Inc|Corp|Corporation|LLC|L\.?L\.?C|LLP|LP|L\.P|Ltd|Limited|PLC|N\.V|S\.A|AG|GmbH|B\.V)\.?"
_GLUED_ENTITIES = re.compile(rf"(?i:(?:^|\s){_LEGAL_FORM},?\s+(?:and|&)\s+\S.*\s{_LEGAL_FORM}$)")
_SUFFIX_THEN_NAME = re.compile(
    r"(?<=[\s,])(?:INC|CORP|CORPORATION|LLC|L\.L\.C|LLP|L\.P|LP|LTD|LIMITED|PLC|N\.A|CO)\.?(?=[ \t\u00a0]+(?![IVX]+\b)[A-Z]{2})")

_SUFFIX_END = re.compile(rf"(?:^|[\s,]){_SUFFIX}\s*$")
_NAME_GAP = r"[ ,\u00a0]+"  # spaces, no-break spaces ('Raymond James\xa0& Associates'), commas
_ENTITY_RE = re.compile(
    rf"(?P<name>(?:[A-Z0-9][\w.'’&\-]*|&|and|of|the|de|du|la|\.)(?:{_NAME_GAP}(?:[A-Z0-9][\w.'’&\-/]*|&|and|of|the|de|for)){{0,7}}"
    rf"{_NAME_GAP}{_SUFFIX})(?![\w])"
)
_PERSON_RE = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][a-zA-Z'’\-]+(?:\s+(?:[A-Z]\.|[A-Z][a-zA-Z'’\-]+)){1,3}"
    r"(?:,?\s+(?:Jr\.?|Sr\.?|II|III|IV))?$"
)
_NAME_NOISE = re.compile(r"^(?:the\s+undersigned|undersigned|you|me|i|employee|executive|the\s+company|company|\W*)$", re.I)
_TITLES = re.compile(r",?\s+(?:M\.\s?D\.|Ph\.\s?D\.|Esq\.|J\.D\.|CPA)\s*$")


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    name = re.sub(r"^(?:and|&|by|between|among|the\s+undersigned,?)\s+", "", name, flags=re.I)
    name = name.strip(" ,;:-–—\u201c\u201d\"")
    for _ in range(3):
        name = _TITLES.sub("", name).strip(" ,;:-–—\u201c\u201d\"")
    name = re.sub(r"(?:,?\s+(?:and|&|or))+$", "", name, flags=re.I).strip(" ,;:")
    name = _ROLE_TAIL.sub("", name).strip(" ,;:")
    name = _ROLE_HEAD.sub("", name).strip(" ,;:")
    name = re.sub(rf"(\b{_SUFFIX})(?:,?\s+\1)+$", r"\1", name)
    return name


# Words that label a signature block or a role, glued to a name by the text layer.
_ROLE_TAIL = re.compile(
    r"(?:[\s,]+(?:(?:the\s+)?(?:executive|employee|participant|consultant|recipient|"
    r"discloser|disclosing\s+party|receiving\s+party|signature|by|name|title|date)|"
    r"(?:accepted|acknowledged|agreed|confirmed)(?:,?\s+(?:and|&)\s+(?:accepted|acknowledged|agreed|confirmed))?"
    r"(?:\s+(?:to|by))?(?:\s+(?:as\s+of|this)\b.*)?))+\s*:?$",
    re.I)
_ROLE_HEAD = re.compile(
    r"^(?:(?:the\s+)?(?:board\s+of\s+)?directors\s+of|gentlemen|ladies\s+and\s+gentlemen|dear\s+sirs?|"
    r"to|attn\.?|attention|re|from)\s*[:,]?\s+(?=[A-Z])", re.I)


def kleister_name(name: str) -> str:
    """The Kleister annotators' form of a party name: '&' -> 'and', Incorporated -> Inc., Limited -> Ltd.,
    no commas, words capitalised (LLC, LP, LLP kept upper case)."""
    s = " ".join(name.replace("&", " and ").split())
    s = s.replace(",", "")
    s = re.sub(r"\bIncorporated\b\.?", "Inc.", s, flags=re.I)
    s = re.sub(r"\bLimited\b\.?", "Ltd.", s, flags=re.I)
    s = re.sub(r"\bL\.\s?L\.\s?C\.?", "LLC", s)
    s = re.sub(r"\bL\.\s?L\.\s?P\.?", "LLP", s)
    s = re.sub(r"\bL\.\s?P\.?(?=\s|$)", "LP", s)
    words = []
    for word in s.split():
        if word.lower() == "and":
            words.append("and")
        elif word.upper() in ("LLC", "LP", "LLP", "PLC"):
            words.append(word.upper())
        elif re.fullmatch(r"(?:[A-Za-z]\.)+", word):
            words.append(word.upper())
        else:
            words.append(word[:1].upper() + word[1:].lower())
    s = " ".join(words)
    if re.search(r"\b(?:Inc|Ltd|Corp|Co)$", s):
        s += "."
    return s


_ROLE_WORDS = (
    r"employee|employer|executive|buyer|seller|purchaser|vendor|supplier|distributor|customer|client|consultant|"
    r"contractor|recipient|discloser|disclosing|receiving|affiliates?|subsidiaries|participant|director|officer|"
    r"shareholder|stockholder|investor|licensor|licensee|bidder|counterparty|first|second|third|other|each|either|"
    r"both|all|such|said|party|parties|company|corporation|entity|logo|witness|undersigned|you|us|we|i|me"
)
_NOT_A_NAME = re.compile(
    r"^(?:whereas|now|therefore|recitals?|witnesseth|provided|notwithstanding|dear|gentlemen|ladies|re|to)\b"  # recitals, salutations
    rf"|^(?:[A-Z][.)]|[ivxIVX]{{1,4}}[.)])\s+(?:the\s+)?(?:{_ROLE_WORDS})\b"  # list enumerators: "B. The Company"
    r"|^\d{1,2}(?:\.\d{1,2})*[.)]?\s"  # "1.1 Company"
    r"|^(?-i:(?:An?|an?|its|their|our|your|this|that|any|each)\s+(?:[\w\-]+\s+){0,3}(?i:corporation|company|entity|partnership|bank|association))$"
    rf"|^(?:(?:the|a|an|and|&|{_ROLE_WORDS})[\s.,]*)+$"  # nothing but role words
    r"|^[A-Z]{1,3}-?\d+$"  # page / exhibit codes "A-4"
    r"|\b(?:and|&)\s+(?:the\s+(?:company|employee|executive)|employee|executive)$"
    rf"|^(?:{'|'.join(re.escape(x) for x in US_STATES)})\s+(?:corporation|company|limited\s+liability\s+company|partnership)$",
    re.I,
)


def _looks_like_party(name: str) -> bool:
    if not name or len(name) < 2 or len(name) > 90 or _NAME_NOISE.match(name):
        return False
    if not re.match(r"[A-Z0-9“\"]", name):
        return False
    if re.search(r"_{2,}|\[|\]|\b[Xx]{3,}\b", name):
        return False  # blanks and placeholders of a form ('XXXX', '[Name]', '______')
    if re.search(r"\b(?:Exhibit|Schedule|Agreement|Section|Page)\b|^(?:The\s+)?(?:Company|Parties|Party)\b", name, re.I):
        return False
    if _NOT_A_NAME.search(name):
        return False
    if _SUFFIX_END.search(name):
        return True
    if _PERSON_RE.match(name):
        return True
    words = name.split()
    return 1 <= len(words) <= 6 and all(w[:1].isupper() or w.lower() in ("and", "of", "&", "the", "de") for w in words)



def _locate(text: str, name: str, start: int = 0) -> tuple[int, int] | None:
    """Offsets of ``name`` in ``text`` at or after ``start``, whitespace-insensitively."""
    pattern = r"\s+".join(re.escape(part) for part in name.split())
    m = re.compile(pattern).search(text, start)
    return (m.start(), m.end()) if m else None
