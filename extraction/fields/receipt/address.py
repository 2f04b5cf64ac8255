"""The shop's address: the block of lines under the company, ending with a postcode or a state."""
from __future__ import annotations

import re

from extraction.evidence import DocText
from extraction.fields.result import FieldResult, ValidatorResult
from extraction.fields.receipt.dates import TIME_RE
from extraction.fields.receipt.header import (
    ADDRESS_PREFIX, ADDRESS_START, address_start_ok, ADDRESS_WORD, BRANCH_RE, has_date, has_digits,
    header_end, is_reg_line, name_like, PHONE_LINE, POSTCODE_RE, STATES, STOP_RE, SUFFIX_RE,
)
from extraction.fields.receipt.lines import Line, rounded
from extraction.fields.receipt.scans import ocr_suspects
from extraction.fields.receipt.total import amounts_on


def extract_address(doc: DocText, lines: list[Line], company_index: int):
    end = header_end(lines)
    start = company_index + 1
    block: list[Line] = []
    stop_reason = "header end"
    skipped_names = 0  # name-like lines passed over between the company and the address
    for line in lines[start: max(end, start + 1)]:
        text = line.text
        if not block:
            if is_reg_line(text) or (STOP_RE.search(text) and not (ADDRESS_WORD.search(text) and POSTCODE_RE.search(text))):
                if re.search(r"\bTEL|\bFAX|\bT\s*:|INVOICE|RECEIPT|\bDATE\b", text, re.I) and line.index > start + 2:
                    break
                continue
            if not address_start_ok(text):
                skipped_names += name_like(text)
                continue  # a branch or brand line under the company
            block.append(line)
            continue
        if (re.fullmatch(r"\d{5}\W?", text.strip()) and not any(POSTCODE_RE.search(l.text) for l in block)
                and not STATES.search(block[-1].text) and (ADDRESS_WORD.search(block[-1].text) or has_digits(block[-1].text))):
            block.append(line)  # the postcode printed on a line of its own
            continue
        if STOP_RE.search(text) or is_reg_line(text) or amounts_on(line) or PHONE_LINE.match(text):
            stop_reason = "stop line"
            break
        if has_date(text, 2) or TIME_RE.search(text):
            stop_reason = "date line"
            break
        if len(block) >= 6:
            break
        block.append(line)
    if not block:
        return None
    # after the postcode/state line only what still reads as address (a mall, a branch code, the state)
    post_idx = [i for i, l in enumerate(block) if POSTCODE_RE.search(l.text) or STATES.search(l.text)]
    trailing = 0
    if post_idx:
        last = post_idx[-1]
        keep = last + 1
        for extra in block[last + 1:]:
            t = extra.text.strip()
            if ":" in t or len(t.split()) > 4 or SUFFIX_RE.search(t) and not ADDRESS_WORD.search(t):
                break
            if STATES.search(t) or BRANCH_RE.match(t) or re.fullmatch(r"\(.*\)", t) or (ADDRESS_WORD.search(t) and not has_digits(t)):
                keep += 1
            else:
                break
        trailing = keep - last - 1
        block = block[:keep]
    pieces = [(l.start, l.end, l.text) for l in block]
    prefix = ADDRESS_PREFIX.match(pieces[0][2])
    if prefix:
        pieces[0] = (pieces[0][0] + prefix.end(), pieces[0][1], pieces[0][2][prefix.end():])
    value = " ".join(p[2] for p in pieces)
    spans = [doc.span(s, e) for s, e, _ in pieces]
    has_post = bool(POSTCODE_RE.search(value))
    has_state = bool(STATES.search(block[-1].text))
    confidence = 0.5
    if has_post:
        confidence += 0.25
    if has_state or POSTCODE_RE.search(block[-1].text):
        confidence += 0.12
    if stop_reason == "stop line":
        confidence += 0.05
    if len(block) > 5:
        confidence -= 0.15
    # cues that the block boundaries are a guess: lines kept after the postcode/state line (a mall or
    # branch name the label may or may not count), name-like lines skipped above it (a branch or brand
    # line that may belong to the address), a single line, no street word at all (an item code read as
    # a postcode), no company found above it
    if trailing:
        confidence -= 0.1
    if skipped_names:
        confidence -= 0.1
    if len(block) == 1:
        confidence -= 0.1
    if not any(ADDRESS_WORD.search(l.text) or ADDRESS_START.search(l.text) for l in block):
        confidence -= 0.2
    if company_index < 0:
        confidence -= 0.2
    suspects = ocr_suspects(value, repeated_words=True)
    if suspects:
        confidence -= 0.25
    validators = [ValidatorResult("postcode_present", has_post, value),
                  ValidatorResult("no_ocr_suspects", not suspects, " ".join(suspects))]
    return FieldResult("address", value, rounded(confidence), spans, "rule", value, validators,
                       candidates=[{"value": value, "score": rounded(confidence)}])
