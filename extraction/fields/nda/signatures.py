"""Who signs: entity names over 'By:' lines, people signing '/s/ Name' for themselves or for an entity,
and whether a name is written again where the agreement is signed."""
from __future__ import annotations

import re

from extraction.evidence import DocText
from extraction.fields.nda.common import _SIGN_START, _value_key
from extraction.fields.nda.names import (
    _PERSON_RE, _SUFFIX, _SUFFIX_I, _SUFFIX_THEN_NAME, _clean_name, _locate, _looks_like_party,
)

_SIGN_LINE = re.compile(r"(?m)^[ \t]*(?P<name>[^\n]{2,90}?)[ \t,:]*$")
_ALLCAPS_NAME = re.compile(r"^[A-Z0-9][A-Z0-9&.,'’\-]*(?: [A-Z0-9&][A-Z0-9&.,'’\-]*){0,5}$")
_SIGN_NOISE = re.compile(
    r"^(?:very\s+truly\s+yours|sincerely|accepted|agreed|acknowledged|confirmed|in\s+witness|name|title|date|its|"
    r"by|address|signature|witness|employee|executive|company|associate|the\s+company|page|exhibit|\d+|"
    r"intentionally|authori[sz]ed|\[)", re.I)


_COLUMN_GAP = re.compile(r"[ \t\u00a0]{2,}")


def _column_names(line: str) -> list[str]:
    """The names on one signature-page line: two-column pages put both parties' names on one line,
    apart by a wide gap or only by a space after the first one's legal form ('ACME, INC. BOLT LLC')."""
    pieces = []
    for part in _COLUMN_GAP.split(line.strip(" \t\u00a0")):
        start = 0
        for m in _SUFFIX_THEN_NAME.finditer(part):
            if m.start() > start:
                pieces.append(part[start:m.end()])
                start = m.end()
        pieces.append(part[start:])
    return [p for p in (x.strip(" \t\u00a0,") for x in pieces) if p]


def _signature_parties(doc: DocText) -> list[tuple[str, int, int, str]]:
    """Names that sign: the entity line just above a 'By:' line, and '/s/ Name' signing for oneself."""
    text = doc.text
    out = []
    for by in re.finditer(r"(?m)^[ \t]*By\s*:?", text, re.I):
        window_start = max(0, by.start() - 160)
        lines = list(_SIGN_LINE.finditer(text, window_start, by.start()))
        for lm in reversed(lines[-3:]):
            whole = _clean_name(re.sub(r"\s*:\s*$", "", lm.group("name")))
            if not whole or _SIGN_NOISE.match(whole):
                continue
            pieces = _column_names(lm.group("name"))
            for piece in pieces:
                if len(pieces) > 1 and piece.rstrip().endswith(":"):
                    continue  # a caption over one column ("COMPANY:", "ACME:"), not the party's name
                raw = _clean_name(re.sub(r"\s*:\s*$", "", piece))
                if not raw or _SIGN_NOISE.match(raw):
                    continue
                is_entity = re.search(rf"(?:^|[\s,]){_SUFFIX_I}$", raw) or _ALLCAPS_NAME.match(raw)
                if is_entity and _looks_like_party(raw) and len(raw.split()) <= 8:
                    found = _locate(text, raw, lm.start())
                    if found:
                        out.append((raw, found[0], found[1], "entity"))
            break
    for sm in re.finditer(r"/s/[\s\u00a0]*(?P<name>[A-Z][A-Za-z.'’\-]+(?:[ \t\u00a0]+[A-Z][A-Za-z.'’\-]*){1,3})", text):
        raw = _clean_name(sm.group("name").replace("\u00a0", " "))
        raw = re.sub(r"(?:\s+(?:Name|Title|Date|By|Print|Printed|Signature|Its))+$", "", raw)
        if not _PERSON_RE.match(raw):
            continue
        found = _locate(text, raw, sm.start("name"))
        if not found:
            continue
        score, why = _signer_role(text, sm.start(), found[1])
        if score >= 0.75:
            out.append((raw, found[0], found[1], "person"))
        elif score >= 0.4:
            out.append((raw, found[0], found[1], f"signer?{score}"))  # the rules are unsure: ask the SLM
        else:
            out.append((raw, found[0], found[1], "officer"))
    return out


_OFFICER_TITLE = re.compile(
    r"\b(?:Title|Its)\s*:[\s\u00a0]*\S|\b(?:Chief|Officer|President|Vice|Director\b(?!s)|Secretary|Treasurer|Chair(?:man|woman|person)?|"
    r"Counsel|CEO|CFO|COO|EVP|SVP|Manager|Managing|Partner|Member|Principal|Trustee|Authori[sz]ed|Attorney[- ]in[- ]fact|"
    r"General\s+Partner|Head\s+of|Controller)\b")
_SELF_CAPTION = re.compile(
    r"\b(?:accepted|agreed|acknowledged|confirmed|intending\s+to\s+be\s+legally\s+bound|employee|executive|"
    r"consultant|director|individual(?:ly)?|in\s+(?:his|her)\s+individual\s+capacity|signature|printed\s+name|"
    r"print\s+name|the\s+undersigned)\b", re.I)
_SENDER = re.compile(r"\b(?:sincerely|very\s+truly\s+yours|yours\s+(?:truly|sincerely|faithfully)|best\s+regards|regards)\b[\s,]*$", re.I)


def _column_piece(line: str, col: int) -> str:
    """The part of a signature-page line that stands in the column starting near ``col``."""
    line = line.replace("\t", "    ")
    piece = line[max(0, col - 3):] if len(line) > col + 3 and col > 8 else line
    return re.split(r"[ \t\u00a0]{3,}", piece.strip(" \t\u00a0"))[0]


def _signer_role(text: str, start: int, end: int) -> tuple[float, str]:
    """Whether the person who signs '/s/ Name' at ``start`` is a party, or an officer signing for an entity.

    Returns (score, cue): the score is the rule's belief that the signer is a party in their own right.
    """
    line_start = text.rfind("\n", 0, start) + 1
    col = len(text[line_start:start].replace("\t", "    "))
    before = text[max(0, start - 160):start]
    # the signer's own column in the next lines: name, title, "Its:"
    below = []
    pos = text.find("\n", end)
    rest_of_line = text[end:pos if pos >= 0 else len(text)]
    below.append(re.split(r"(?:[ \t\u00a0]{3,}|/s/)", rest_of_line)[0])
    taken = 0
    while taken < 3 and pos >= 0:
        nxt = text.find("\n", pos + 1)
        line = text[pos + 1:nxt if nxt >= 0 else len(text)]
        pos = nxt
        if not line.strip(" \t\u00a0"):
            continue  # blank and no-break-space lines between the signature's parts
        taken += 1
        below.append(_column_piece(line, col))
    below_text = "\n".join(below)
    if _SENDER.search(before[-60:]):
        return 0.25, "letter signed by its sender"
    if re.search(r"\bBy\s*:?[\s\u00a0_]*$", before[-20:], re.I):
        if _OFFICER_TITLE.search(below_text):
            return 0.1, "signs 'By:' with a title"
        lines_above = [l.strip() for l in before.split("\n")[-4:-1] if l.strip()]
        if any(re.search(rf"(?:^|[\s,]){_SUFFIX_I}$", l) or _ALLCAPS_NAME.match(l) for l in lines_above):
            return 0.2, "signs 'By:' under an entity"
        return 0.45, "self? signs 'By:' without a title"
    if _OFFICER_TITLE.search(below_text):
        return 0.2, "title under the signature"
    # the lines above, in the signer's column (two-column signature pages put the other party beside it)
    above = [_column_piece(l, col) for l in before.split("\n")[:-1] if l.strip(" \t\u00a0")][-2:]
    if any(re.search(rf"(?:^|[\s,]){_SUFFIX_I}$", l) and _looks_like_party(_clean_name(l)) for l in above):
        return 0.2, "signs under an entity's name"
    if _SELF_CAPTION.search(before[-100:]) or _SELF_CAPTION.search(below_text):
        return 0.9, "self: signs as an individual"
    return 0.7, "signs without a title"


_ENTITY_TAIL = re.compile(rf"[\s,]+{_SUFFIX}$")


def _signature_region(doc: DocText, after: int) -> str:
    """The signature part of the document, as a comparison key: from the first signing cue ('IN WITNESS',
    'Very truly yours', 'Accepted and agreed') after the opening sentence, else the last third."""
    text = doc.text
    cue = _SIGN_START.search(text, max(after, len(text) // 3))
    start = cue.start() if cue else max(after, len(text) * 2 // 3)
    return _value_key(text[start:])


def _signed_again(region: str, raw: str) -> bool:
    """Whether a name is written again in the signature part (as an entity line, or a person's /s/ name),
    with or without its corporate suffix."""
    core = raw
    for _ in range(2):
        core = _ENTITY_TAIL.sub("", core).strip(" ,")
    keys = {_value_key(raw), _value_key(core)}
    return any(len(k) >= 4 and k in region for k in keys)
