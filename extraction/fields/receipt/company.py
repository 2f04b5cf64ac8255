"""The shop's name: the header line with a legal-form suffix (SDN BHD, ENTERPRISE...), above its address."""
from __future__ import annotations

import re

from extraction.evidence import DocText
from extraction.fields.result import FieldResult, ValidatorResult
from extraction.fields.receipt.header import (
    address_start_ok, ADDRESS_WORD, has_digits, header_end, is_reg_line, name_like, POSTCODE_RE, REG_TAIL,
    STOP_RE, STRONG_SUFFIX_RE, SUFFIX_RE,
)
from extraction.fields.receipt.lines import Line, rounded
from extraction.fields.receipt.scans import ocr_suspects

def extract_company(doc: DocText, lines: list[Line]):
    end = header_end(lines)
    head = lines[: min(end, 12)]
    # the seller is named above its address; a legal name printed after it is usually the customer
    limit = next((l.index for l in head if POSTCODE_RE.search(l.text) or re.search(r"\bTEL\b|\bFAX\b|\bT\s*:", l.text, re.I)), len(head))
    found = None
    for line in head[:limit]:
        if STOP_RE.search(line.text) and not STRONG_SUFFIX_RE.search(line.text):
            continue
        if STRONG_SUFFIX_RE.search(line.text):
            found = (line, "strong")
            break
    late = False
    if found is None:
        for line in head[limit:]:
            if STRONG_SUFFIX_RE.search(line.text) and not (STOP_RE.search(line.text) and not STRONG_SUFFIX_RE.search(line.text)):
                found, late = (line, "strong"), True
                break
    if found is not None and late:
        for line in head[:min(limit, 6)]:
            if SUFFIX_RE.search(line.text) and name_like(line.text) and not ADDRESS_WORD.search(line.text.split()[0]):
                found, late = (line, "suffix"), False
                break
    if found is None:
        for line in head[:6]:
            if SUFFIX_RE.search(line.text) and name_like(line.text) and not ADDRESS_WORD.search(line.text.split()[0]):
                found = (line, "suffix")
                break
    cues = []
    if found is None:
        for line in head[:4]:
            if name_like(line.text) and not is_reg_line(line.text):
                found = (line, "first")
                break
    if found is None:
        return None, -1
    line, kind = found
    used = [line]
    # names broken over lines: "POPULAR BOOK" / "CO. (M) SDN BHD", "NANDO'S CHICKENLAND MALAYSIA" / "SDN BHD"
    if kind in ("strong", "suffix") and line.index > 0:
        prev = lines[line.index - 1]
        m = STRONG_SUFFIX_RE.search(line.text) or SUFFIX_RE.search(line.text)
        before = line.text[: m.start()] if m else line.text
        rest = re.sub(r"\bCO\b\.?|\bCOMPANY\b|\(\s*M\s*\)|\(MALAYSIA\)", " ", SUFFIX_RE.sub(" ", before), flags=re.I)
        # nothing but the legal form left ("CO. (M) SDN BHD", OCR'd "CP. (M) SDN BHD"): the name is on the line above
        only_legal_form = len(rest.strip(" &.,()")) <= 2 or line.text.lstrip().startswith(("&", "("))
        unbalanced = line.text.count(")") > line.text.count("(")
        if (name_like(prev.text) and not is_reg_line(prev.text) and not has_digits(prev.text)
                and not STRONG_SUFFIX_RE.search(prev.text)
                and (only_legal_form or unbalanced or prev.text.rstrip().endswith(("&", "(", "-")))):
            used.insert(0, prev)
            if prev.index > 0 and (prev.text.count(")") > prev.text.count("(") or SUFFIX_RE.match(prev.text)):
                pp = lines[prev.index - 1]
                if name_like(pp.text) and not has_digits(pp.text):
                    used.insert(0, pp)
            cues.append("joined lines")
    # ... and forward: "HOME MASTER HARDWARE &" / "ELECTRICAL", "ENTERPRISE (SETIA" / "ALAM) SDN BHD"
    last = used[-1]
    if last.index + 1 < len(lines):
        nxt = lines[last.index + 1]
        if ((last.text.rstrip().endswith(("&", "(", "-")) or last.text.count("(") > last.text.count(")"))
                and name_like(nxt.text) and not is_reg_line(nxt.text)):
            used.append(nxt)
    # drop the registration number written after the name
    last = used[-1]
    tail = REG_TAIL.search(last.text)
    last_text = last.text[: tail.start()] if tail and tail.start() > 0 else last.text
    last_text = last_text.rstrip(" :,")
    pieces = [(u.start, u.end, u.text) for u in used[:-1]] + [(last.start, last.start + len(last_text), last_text)]
    # "DIMILIKI: X SDN BHD", "OWN BY: X" ("owned by"), "#000002 X"
    first_start, first_end, first_text = pieces[0]
    prefix = re.match(r"^\s*(?:(?:DIMILIKI(?:\s*OLEH)?|OWN(?:ED)?\s*BY|OPERATED\s*BY)\s*:\s*|#\d+\s+)", first_text, re.I)
    if prefix:
        first_start += prefix.end()
        first_text = first_text[prefix.end():]
        pieces[0] = (first_start, first_end, first_text)
    value = " ".join(p[2].strip() for p in pieces)
    spans = [doc.span(s, e) for s, e, _ in pieces]
    if kind == "strong":
        confidence = 0.93
    elif kind == "suffix":
        confidence = 0.8
        # a trade name at the top of the receipt with its registration number or its address right
        # under it is the seller's name line, not a slogan or a branch line
        after = lines[line.index + 1].text if line.index + 1 < len(lines) else ""
        if line.index <= 2 and (is_reg_line(after) or address_start_ok(after)):
            confidence += 0.07
    else:
        confidence = 0.55
    if len(used) > 1:
        confidence -= 0.08
    if kind != "first" and line.index >= 4:
        confidence -= 0.1
    if late:
        confidence -= 0.15
    if kind == "suffix" and any(name_like(l.text) and not is_reg_line(l.text) for l in lines[: line.index]):
        confidence -= 0.1  # a name-like line above it may be the name
    if re.search(r"\bSDN\.?\s*$", value, re.I):
        confidence -= 0.15  # the legal form cut short ("... SDN" with BHD lost)
    above = lines[used[0].index - 1] if used[0].index > 0 else None
    if (kind == "strong" and above is not None and name_like(above.text) and not is_reg_line(above.text)
            and not STRONG_SUFFIX_RE.search(above.text)):
        confidence -= 0.1  # a brand or the first half of the name may be printed above it
    suspects = ocr_suspects(value)
    if suspects:
        confidence -= 0.25
    result = FieldResult("company", value, rounded(confidence), spans, "rule", value, [
        ValidatorResult("name_like", name_like(value), value),
        ValidatorResult("no_ocr_suspects", not suspects, " ".join(suspects))], candidates=[{"value": value, "score": rounded(confidence)}])
    return result, used[-1].index
