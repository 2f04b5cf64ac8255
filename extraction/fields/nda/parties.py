"""The NDA's parties: the names in 'between A ("X") and B ("Y")' of the opening sentence, else a
'PARTIES:' header, completed from the signature blocks and the opening lines."""
from __future__ import annotations

import re

from extraction.evidence import DocText
from extraction.fields.nda.common import _PREAMBLE_STOP, _value_key
from extraction.fields.nda.names import (
    _ENTITY_RE, _GLUED_ENTITIES, _SUFFIX, _SUFFIX_WORDS, _clean_name, _locate, _looks_like_party, kleister_name,
)
from extraction.fields.nda.signatures import _signature_parties, _signature_region, _signed_again
from extraction.fields.nda.slm import _ASK_SIGNER, _SLM_WEIGHT, _marked, _prompt, _slm_yes
from extraction.fields.result import FieldResult, ValidatorResult

_DEFINED = re.compile(
    r"\(\s*(?:each\s+|together\s+|collectively,?\s+)?(?:the\s+|this\s+|a\s+|an\s+|hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?(?:the\s+)?|herein\s+(?:referred\s+to\s+as\s+|called\s+)?(?:the\s+)?)?"
    r"[“\"'‘”]+(?P<term>[^”\"’)]{1,40})[”\"’]+[^()]{0,120}?\)"
)
_NOT_PARTY_TERMS = re.compile(
    r"^(?:agreement|nda|effective\s+date|date|transaction|proposed\s+transaction|possible\s+transaction|"
    r"confidential\s+information|information|evaluation\s+material|representatives?|affiliates?|purpose|"
    r"business|merger|parties|party|term|board|plan|notes?|securities|shares|project|services|"
    r"separation\s+date|effective\s+time|.*agreement)$",
    re.I,
)
_DESCRIPTOR = re.compile(
    r",?\s*(?:\(|\b(?:a|an)\s+(?:\w+\s+){0,4}?(?:(?i:corporation|company|limited|partnership)|individual|bank|association|"
    r"entity|resident|national|banking|business|trust|statutory|public|private|société|open|closed|joint|delaware|"
    r"nevada|new|[A-Z][a-z]+)\b|\b(?:whose|with\s+(?:its|a|offices)|having|located|organized|existing|"
    r"incorporated(?=\s+(?:in|under|and|as|pursuant|with)\b)|on\s+behalf|acting|doing|f/k/a|d/b/a|formerly|residing|who|which|its|at\s+\d|an?\s+individual|with\s+(?:an?\s+|its\s+)?(?:principal|offices?|registered|head|place|address)|c/o)|(?:\s+|(?<=\.))(?i:dba|d/b/a|doing\s+business\s+as|f/k/a|formerly\s+known)\b)",  # "Inc.DBA X" too
)


_LINE_TAIL_WORDS = re.compile(r"(?:(?<=\s)|^)((?:[A-Z][\w'’&\-]*|and|of|&)(?:[ \u00a0]+(?:[A-Z][\w'’&\-]*|and|of|&)){0,3})[ \u00a0]*$")


def _wrapped_start(text: str, start: int) -> int:
    """Where a name that starts a line really starts, when the text wrapped it: the capitalised words that
    end the previous line of a running sentence ('... and Offshore and Marine' / 'Holdings LLC')."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip(" \t\u00a0") or line_start == 0:
        return start
    prev_start = text.rfind("\n", 0, line_start - 1) + 1
    prev = text[prev_start:line_start - 1]
    tail = _LINE_TAIL_WORDS.search(prev)
    if not tail or len(prev.strip()) < len(tail.group(1)) + 20:
        return start  # nothing to take, or the previous line is a caption of its own ('Logo')
    words = tail.group(1)
    lead = re.match(r"(?:(?:and|of|&)[ \u00a0]+)+", words)  # '... and' joins, it does not name
    return prev_start + tail.start(1) + (lead.end() if lead else 0)



def _preamble_parties(doc: DocText) -> tuple[list[tuple[str, int, int]], float, str]:
    """Names in 'between A (...) and B (...)' of the opening paragraph, with global offsets."""
    text = doc.text
    head_end = min(len(text), 6000)
    m = re.search(
        r"(?:agreement|nda|contract)\b[^.]{0,400}?\b(?P<kw>by\s+and\s+between|by\s+and\s+among|between|among)\s+",
        text[:head_end], re.I)
    if not m:
        m = re.search(r"(?:agreement|nda|contract)\b[^.]{0,300}?\b(?P<kw>by)\s+(?=[A-Z])", text[:head_end], re.I)
    if not m:
        m = re.search(r"\b(?P<kw>by\s+and\s+between|by\s+and\s+among|between|among)\s+", text[:3000], re.I)
    if not m:
        return [], 0.0, ""
    start = m.end()
    stop = _PREAMBLE_STOP.search(text, start, start + 1500)
    end = stop.start() if stop else min(len(text), start + 1200)
    # the sentence ends at a period that is not an abbreviation
    for p in re.finditer(r"\.(?=\s+[A-Z“\"(])", text[start:end]):
        prefix = text[start:start + p.start()]
        # abbreviations, in either case ('CO. LTD.', 'MR. SMITH'), and initials
        if re.search(rf"(?:\b(?i:{_SUFFIX_WORDS}|No|St|U\.S|Mr|Mrs|Ms|Dr|Jr|Sr|N\.A)|\b[A-Z])$", prefix):
            continue
        end = start + p.end()
        break
    segment = text[start:end]
    names: list[tuple[str, int, int]] = []
    pos = 0
    clean = True
    for d in _DEFINED.finditer(segment):
        term = d.group("term").strip()
        chunk = segment[pos:d.start()]
        chunk_start = start + pos
        pos = d.end()
        if _NOT_PARTY_TERMS.match(term):
            continue
        name_m = _name_in_chunk(chunk)
        if name_m is None:
            clean = False
            continue
        raw, s, e = name_m
        names.append((raw, chunk_start + s, chunk_start + e))
    if not names:
        # no parentheticals: "between A and B." / "between A, a Delaware corporation, and B, ..."
        tail = segment
        parts = re.split(r",?\s+and\s+(?=[A-Z])", tail, maxsplit=4)
        offset = 0
        for part in parts:
            idx = tail.find(part, offset)
            offset = idx + len(part)
            name_m = _name_in_chunk(part)
            if name_m:
                raw, s, e = name_m
                names.append((raw, start + idx + s, start + idx + e))
        return names, (0.6 if len(names) >= 2 else 0.4), "between A and B"
    return names, (0.9 if clean else 0.7), "between A (\"X\") and B (\"Y\")"


def _name_in_chunk(chunk: str, retry: bool = True) -> tuple[str, int, int] | None:
    lead = re.match(r"[\s,;:]*(?:on\s+the\s+one\s+hand,?\s+)?(?:and\s*,?\s+|&\s+|between\s+|among\s+)?"
                    r"(?:the\s+undersigned,?\s*)?", chunk, re.I)
    s = lead.end() if lead else 0
    if retry:
        # the chunk begins with the previous party's address or description: the name follows its last "and"
        body = chunk[s:]
        cut = _DESCRIPTOR.search(body)
        if cut and cut.start() == 0:
            joins = list(re.finditer(r"(?:,\s*|\s+)(?:and|&)\s*,?\s+(?=[A-Z“\"])", body))
            if joins:
                found = _name_in_chunk(body[joins[-1].start():], retry=False)
                if found:
                    return found[0], s + joins[-1].start() + found[1], s + joins[-1].start() + found[2]
    body = chunk[s:]
    cut = _DESCRIPTOR.search(body)
    if cut and cut.start() > 0:
        body = body[:cut.start()]
    raw = _clean_name(body)
    if not _looks_like_party(raw):
        return None
    found = _locate(chunk, raw, s)
    if not found:
        return None
    return raw, found[0], found[1]


_HEADER_PARTIES = re.compile(r"\bPARTIES\s*:\s*", re.I)


def _header_parties(doc: DocText) -> list[tuple[str, int, int]]:
    text = doc.text
    m = _HEADER_PARTIES.search(text, 0, 3000)
    if not m:
        return []
    start = m.end()
    stop = re.search(r"\b(?:RECITALS|DATE|AGREEMENT)\s*:", text[start:start + 800])
    segment = text[start:start + (stop.start() if stop else 400)]
    out = []
    for line in re.split(r"\n|\(\s*[“\"]?[A-Z]+[”\"]?[^)]*\)", segment):
        name_m = _name_in_chunk(line)
        if name_m:
            raw, s, e = name_m
            gstart = start + segment.find(line) + s
            out.append((raw, gstart, gstart + len(raw)))
    return out


def _also(cue: str, more: str) -> str:
    """The cues that found the names, as the reviewer reads them ("between ... + signature blocks")."""
    return f"{cue} + {more}" if cue else more


def _party_result(doc: DocText, runtime=None) -> FieldResult | None:
    names, score, cue = _preamble_parties(doc)
    from_preamble = len(names)
    if len(names) < 1:
        names = _header_parties(doc)
        score, cue = (0.75 if len(names) >= 2 else 0.4), ("PARTIES: header" if names else "")
    sig = _signature_parties(doc)
    sig_entities = [(n, s, e) for n, s, e, kind in sig if kind == "entity"]
    sig_people = [(n, s, e) for n, s, e, kind in sig if kind == "person"]
    unsure = [(n, s, e, float(kind[7:])) for n, s, e, kind in sig if kind.startswith("signer?")]
    method = "rule"
    if unsure and len(names) < 2:
        # Rules cannot tell a person signing for themselves from an officer signing for a company:
        # the SLM reads the signature block around each one (redacted) and says which.
        votes = _slm_yes(runtime, [_prompt(_marked(doc, s, e, 260, 160), _ASK_SIGNER) for _, s, e, _ in unsure])
        for (n, s, e, rule), p_yes in zip(unsure, votes or [None] * len(unsure)):
            if p_yes is None:  # no model: the rule's belief alone
                if rule >= 0.5:
                    sig_people.append((n, s, e))
                continue
            method = "slm"
            if rule + _SLM_WEIGHT * (p_yes - 0.5) >= 0.5:
                sig_people.append((n, s, e))
    sig_keys = {_value_key(kleister_name(n)) for n, _, _ in sig_entities + sig_people}

    def known(raw, pool):
        key = _value_key(kleister_name(raw))
        return any(key and (key in k or k in key) for k in pool)

    if len(names) < 2:
        pool = {_value_key(kleister_name(n)) for n, _, _ in names}
        added = 0
        for item in list(sig_entities):
            # a signature line that holds a known party and something more: the other column's name
            for known_raw, _, _ in list(names):
                at = item[0].casefold().find(known_raw.casefold())
                if at < 0 or len(item[0]) <= len(known_raw) + 3:
                    continue
                rest = _clean_name(item[0][:at] + " " + item[0][at + len(known_raw):])
                found = _locate(doc.text, rest, item[1]) if _looks_like_party(rest) and len(rest.split()) >= 2 else None
                if found and found[0] < item[2]:
                    sig_entities.append((rest, found[0], found[1]))
        for item in sig_entities + sig_people:
            if not known(item[0], pool):
                names.append(item)
                pool.add(_value_key(kleister_name(item[0])))
                added += 1
        if added:
            score, cue = (0.55 if score >= 0.6 else 0.45), _also(cue, "signature blocks")
    if len(names) < 2:
        # an employer named in the opening lines ("As a condition of my employment with X, Inc.")
        pool = {_value_key(kleister_name(n)) for n, _, _ in names}
        head = doc.text[:1500]
        for em in _ENTITY_RE.finditer(head):
            name_start = _wrapped_start(head, em.start("name"))
            raw = _clean_name(head[name_start:em.end("name")])
            raw = re.sub(r"^(?:[A-Z][a-z]+\s+)*?(?:with|of|by|for|between|to)\s+", "", raw)  # "and" may join a name
            if not _looks_like_party(raw) or known(raw, pool) or len(raw.split()) > 7:
                continue
            if not re.search(rf"(?:^|[\s,]){_SUFFIX}$", raw) or raw.isupper() and len(raw) > 60:
                continue
            found = _locate(doc.text, raw, name_start)
            if found:
                names.append((raw, found[0], found[1]))
                score, cue = min(score, 0.45) if score else 0.4, _also(cue, "entity in the opening lines")
                break
    if not names:
        return None
    seen, values, raws, spans, signed = set(), [], [], [], []
    region = _signature_region(doc, max((e for _, _, e in names[:from_preamble]), default=0))
    for raw, s, e in names:
        value = kleister_name(raw)
        key = _value_key(value)
        if not key or key in seen:
            continue
        seen.add(key)
        values.append(value)
        raws.append(raw)
        spans.append(doc.span(s, e))
        signed.append(_signed_again(region, raw))
    if not values:
        return None
    confidence = score
    pure_preamble = cue.startswith("between") and "+" not in cue
    if pure_preamble and all(signed) and len(values) <= 2:
        # Every name of the opening sentence is written again where the agreement is signed: a party
        # that signs. A party the preamble missed costs completeness, not the names found.
        confidence = min(confidence, 0.8) if len(values) == 1 else confidence
    elif len(values) == 1:
        confidence = min(confidence, 0.5)
    if len(values) > 2:
        confidence = min(confidence, 0.7 if len(values) == 3 else 0.6)
    if pure_preamble and not all(signed):
        confidence = min(confidence, 0.86)
    if sig_keys and cue.startswith("between"):
        confirmed = sum(1 for v in values if known(v, sig_keys))
        if confirmed == len(values):
            confidence = min(0.98, confidence + 0.06)
        elif confirmed:
            confidence = min(0.98, confidence + 0.03)
    if any(_GLUED_ENTITIES.search(v) for v in values):
        confidence = min(confidence, 0.6)  # 'A, Inc. and A, L.P.' is two names read as one
    if method == "slm":
        confidence = min(confidence, 0.6)
    result = FieldResult(
        name="party", value=values, raw=raws, evidence=spans, confidence=round(confidence, 4), method=method,
        candidates=[{"value": v, "score": round(score, 3)} for v in values],
    )
    result.validators.append(ValidatorResult("grounded_each", all(spans) and len(spans) == len(values), cue))
    return result
