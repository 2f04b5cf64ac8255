"""What is known about a candidate for a field: the encoder's similarity between the field's name
and description and the candidate's context (and, for free text, the candidate itself), and
generic priors (position, a label before it, repetition, size). Zero-shot ranking weighs them by
hand (zeroshot.py); a specialist learns the weights from labelled documents.

Models read redacted text only (``DocText.safe_window``): personal data reaches the encoder as
``<PERSON>``-style placeholders.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np

from extraction.evidence import DocText
from extraction.fields.general.candidates import BLOCK_SOURCES, BRACKETED_TAIL, WHOLE_LINE_SOURCES, Proposal, lines_of
from extraction.fields.general.kinds import Kind
from extraction.fields.general.legal_names import starts_with_legal_form
from extraction.validation.validators import VALIDATORS

PLACE_ENTITIES = ("LOCATION", "STREET_ADDRESS")
NAME_ENTITIES = ("PERSON", "ORGANIZATION")
SOURCES = ("pattern", "line", "line_head", "block2", "block3", "block4", "block5", "block6", "after_label", "pii:PERSON", "pii:ORGANIZATION",
           "pii:LOCATION", "pii:STREET_ADDRESS")
# Sources added since specialists were first trained (rankers trained before read none of them).
LATER_SOURCES = ("legal_name",)


LINE_TEXT_CHARS = 100
REFERENCE_LINES = 30  # the document's first lines, whose mean similarity to a field is its typical line's
NEAR_BEFORE, NEAR_AFTER, NEAR_LINE = 80, 50, 40  # characters of each part of Layout.near


class Layout:
    """The document's lines, to place candidates: which line, the line before, the label before."""

    def __init__(self, doc: DocText):
        self.doc = doc
        self.lines = lines_of(doc.text)
        self.starts = [s for s, _ in self.lines]
        self.first_content = [i for i, (s, e) in enumerate(self.lines) if doc.text[s:e].strip()]

    def line_index(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def content_rank(self, offset: int) -> int:
        """How many non-empty lines come before the candidate's line."""
        return bisect_right(self.first_content, self.line_index(offset) - 1)

    def context(self, proposal: Proposal) -> str:
        """The words before and around a candidate, without the candidate: the line before and the rest
        of its line(s). What zero-shot compares with the field's description."""
        first, last = self.line_index(proposal.start), self.line_index(max(proposal.start, proposal.end - 1))
        line_start, line_end = self.lines[first][0], self.lines[last][1]
        after = self.doc.safe_window(proposal.end, line_end)
        # A bracketed code right after a name ("SPEED MART S/B (519537-X)") is the name's own, not what surrounds it.
        after = "" if BRACKETED_TAIL.fullmatch(after) else after
        here = self.doc.safe_window(line_start, proposal.start) + " … " + after
        above = self.neighbour_index(first, -1)
        if proposal.source in BLOCK_SOURCES:
            # A block of lines (an address under a shop's name) reads the nearest line written in words above it:
            # a line of codes between (a registration number, "(867388-U)") says nothing of what the block is.
            # Single lines keep the line right above them ("SALES DATE" under ": 8807949" read as under "SALES NO."
            # looked like a seller's name).
            while above is not None and _is_code(self.doc.text[slice(*self.lines[above])].strip()):
                above = self.neighbour_index(above, -1)
        line_above = "" if above is None else self.line_text(above)
        return " ".join(f"{line_above} | {here}".split())[:300]

    def near(self, proposal: Proposal) -> str:
        """A specialist's short view of a candidate's surroundings, each part cut to a budget so that a long
        paragraph before does not crowd out the words next to the candidate: the end of the line before,
        the words before it on its line, the words after it, the start of the line after."""
        first, last = self.line_index(proposal.start), self.line_index(max(proposal.start, proposal.end - 1))
        before = self.doc.safe_window(self.lines[first][0], proposal.start)[-NEAR_BEFORE:]
        after = self.doc.safe_window(proposal.end, self.lines[last][1])[:NEAR_AFTER]
        above, below = self._neighbour(first, -1)[-NEAR_LINE:], self._neighbour(last, +1)[:NEAR_LINE]
        return " ".join(f"{above} | {before} … {after} | {below}".split())

    def _neighbour(self, index: int, step: int) -> str:
        """The nearest non-empty line before (step -1) or after (+1) line ``index``, redacted."""
        found = self.neighbour_index(index, step)
        return "" if found is None else self.line_text(found)

    def neighbour_index(self, index: int, step: int) -> int | None:
        """The index of the nearest non-empty line before (step -1) or after (+1) line ``index``."""
        text = self.doc.text
        index += step
        while 0 <= index < len(self.lines) and not text[self.lines[index][0]:self.lines[index][1]].strip():
            index += step
        return index if 0 <= index < len(self.lines) else None

    def line_text(self, index: int) -> str:
        """Line ``index``, redacted, without surrounding blanks, at most LINE_TEXT_CHARS long (a paragraph's
        first words say what it is; embedding all of it costs time)."""
        return self.doc.safe_window(*self.lines[index]).strip()[:LINE_TEXT_CHARS]

    def span_lines(self, proposal: Proposal) -> list[int]:
        """The non-empty lines a candidate covers."""
        first, last = self.line_index(proposal.start), self.line_index(max(proposal.start, proposal.end - 1))
        text = self.doc.text
        return [i for i in range(first, last + 1) if text[self.lines[i][0]:self.lines[i][1]].strip()]

    def boundaries(self, proposal: Proposal) -> dict:
        """Whether a candidate cuts a unit of text: it starts after a line that runs on (ends with a comma),
        or its last line runs on; and whether a candidate made of whole lines holds a label ("Cashier:",
        "Tel: ...": a label is not a value, and a value over several lines holds none). A value written
        over several lines (an address) is whole only where none of these holds."""
        lines = [self.doc.text[self.lines[i][0]:self.lines[i][1]].strip() for i in self.span_lines(proposal)]
        if not lines:
            return {"open_start": 0.0, "open_end": 0.0, "holds_label": 0.0, "holds_code": 0.0}
        whole = proposal.source in WHOLE_LINE_SOURCES
        return {"open_start": float(self._neighbour(self.line_index(proposal.start), -1).endswith(",")),
                "open_end": float(lines[-1].endswith(",")),
                "holds_label": float(whole and any(":" in line for line in lines)),
                # A block of lines with a line of codes in it (a registration number printed between a shop's
                # name and its address) runs across two things: codes are not written inside a name or an address.
                "holds_code": float(whole and len(lines) > 1 and any(_is_code(line) for line in lines))}

    def cuts_a_name(self, proposal: Proposal) -> bool:
        """Whether a candidate starts or ends inside a run of capitalised words on its line(s): "AEON CO." of
        "AEON CO. (M) BHD", "MI CAFE SDN BHD" of "BANH MI CAFE SDN BHD", "CARRY SDN BHD" of "CASH & CARRY SDN
        BHD"; or starts with a legal form, the tail of a name wrapped onto a second line ("CO. (M) SDN BHD"
        under "POPULAR BOOK"). A name is written whole."""
        text = self.doc.text
        line_start = self.lines[self.line_index(proposal.start)][0]
        line_end = self.lines[self.line_index(max(proposal.start, proposal.end - 1))][1]
        before = _LAST_WORD.search(text[line_start:proposal.start])
        after = _NEXT_WORD.match(text[proposal.end:line_end])
        return bool(starts_with_legal_form(proposal.text) or (before and _continues_a_name(before.group(1)))
                    or (after and (_continues_a_name(after.group(1)) or _BRACKETED_INITIALS.fullmatch(after.group(1)))))

    def holds_a_name(self, proposal: Proposal) -> bool:
        """Whether the PII stage found a person's or an organisation's name within the candidate, or as the candidate
        itself when it is not the PII stage's own: a line or a legal name around it ("Coleman Cable, Inc." around the
        person "Coleman Cable"), or a legal name the stage took whole. Counting only candidates larger than the name
        (a shop's name tail, "CARRY SDN BHD", taken for a person, weighed as a name) was tried: on renamed receipts
        201-275 the shop's name 0.853 -> 0.867 at 50, but renamed NDAs' parties zero-shot 0.448 -> 0.364."""
        return not proposal.source.startswith("pii:") and any(
            proposal.start <= start and end <= proposal.end
            for start, end, kind in self.doc.pii if kind in NAME_ENTITIES)

    def holds_place(self, proposal: Proposal) -> bool:
        """Whether the PII stage found a place or street address within the candidate."""
        return any(start < proposal.end and proposal.start < end
                   for start, end, kind in self.doc.pii if kind in PLACE_ENTITIES)

    def label_before(self, proposal: Proposal) -> bool:
        """A label ends right before the candidate, on its line or as the whole line before."""
        text = self.doc.text
        start = self.lines[self.line_index(proposal.start)][0]
        head = text[start:proposal.start].rstrip()
        if head.endswith((":", "#")) or (head and not any(c.isdigit() for c in head) and len(head) < 40):
            return True
        index = self.line_index(proposal.start) - 1
        if index >= 0 and not head:
            s, e = self.lines[index]
            above = text[s:e].strip()
            return bool(above) and len(above) < 40 and not any(c.isdigit() for c in above)
        return False


# A word of three letters or more: what a line written in words has and a line of codes ("(867388-U)") has not.
_WORD = re.compile(r"[^\W\d_]{3,}")


# The word right before a candidate (a space between) and the word right after it (or the rest of a word it cuts).
_LAST_WORD = re.compile(r"(\S+)\s+$")
_NEXT_WORD = re.compile(r"\s*(\S+)")
_NAME_TOKEN = re.compile(r"[\w.&'’-]+")
_BRACKETED_INITIALS = re.compile(r"\([A-Z]{1,3}\)")  # "(M)" in "AEON CO. (M) BHD"


def _continues_a_name(word: str) -> bool:
    """A capitalised word that a name may hold ("BOOK", "CO.", "D'OR") or the "&" that joins its words ("CASH &
    CARRY"); not a label ("Tel:") or a code in brackets."""
    return (word[0].isupper() or word == "&") and _NAME_TOKEN.fullmatch(word) is not None


def _is_code(line: str) -> bool:
    """A line of figures and codes: a digit, and no word of three letters or more."""
    return any(c.isdigit() for c in line) and _WORD.search(line) is None


def _number(value) -> float | None:
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def priors(proposals: list[Proposal], kind: Kind, layout: Layout) -> list[dict]:
    """Generic features of each candidate, the same for every field of ``kind``."""
    total = max(len(proposals), 1)
    counts: dict = {}
    for p in proposals:
        counts[str(p.value).casefold()] = counts.get(str(p.value).casefold(), 0) + 1
    numbers = [_number(p.value) for p in proposals] if kind is Kind.AMOUNT else []
    largest = max((n for n in numbers if n is not None), default=None)
    cents = [_cents(n) for n in numbers]
    taxed = _taxed_sums(cents)
    seen_values: set = set()
    legal_name_spans = [(p.start, p.end) for p in proposals if p.source == "legal_name"]
    rows = []
    for index, p in enumerate(proposals):
        value = str(p.value)
        key = value.casefold()
        row = {
            "order": index / total,
            "line": min(layout.content_rank(p.start), 60) / 60,
            "top": float(np.exp(-layout.content_rank(p.start) / 5)),
            "first_of_value": float(key not in seen_values),
            "repeats": min(counts[key] - 1, 4) / 4,
            "label_before": float(layout.label_before(p)),
            "chars": min(len(value), 120) / 120,
            "digits": sum(c.isdigit() for c in value) / max(len(value), 1),
            "upper": sum(c.isupper() for c in value) / max(sum(c.isalpha() for c in value), 1),
            # Names, addresses and phrases are written in words; a line of codes and figures is not one.
            "letters": sum(c.isalpha() for c in value) / max(sum(not c.isspace() for c in value), 1),
            "lines": float(p.text.count("\n")),
        }
        if kind is Kind.TEXT:
            row.update(layout.boundaries(p))
            words = [w for w in value.split() if any(c.isalpha() for c in w)]
            # A name is a few words, each capitalised ("Lydall, Inc.", "DAVID FREEMAN"); a clause is not.
            row["capitalised"] = sum(w.lstrip("(\"“'")[:1].isupper() for w in words) / max(len(words), 1)
            row["long"] = float(len(value.split()) > NAME_WORDS_AT_MOST)
            row["cuts_a_name"] = float(layout.cuts_a_name(p))
            row["holds_a_name"] = float(layout.holds_a_name(p))
            # An address is written in figures and words (a number, a postcode beside street and town names),
            # often over several lines, and holds a place the PII stage found.
            row["figures_and_words"] = float(any(c.isdigit() for c in value) and len(_WORD.findall(value)) >= 2)
            row["several_lines"] = float("\n" in p.text)
            # Whether its first line holds a figure: an address opens on a number ("9, JALAN ...", "LOT 3"), a block
            # that opens on the shop's name line above it does not.
            row["opens_with_figures"] = float(any(c.isdigit() for c in p.text.strip().split("\n", 1)[0]))
            row["holds_place"] = float(layout.holds_place(p))
            # A company named with its legal form inside a longer candidate: a name line in a block of lines.
            row["holds_legal_name"] = float(p.source != "legal_name" and any(
                p.start <= start and end <= p.end for start, end in legal_name_spans))
        if kind is Kind.AMOUNT:
            number = numbers[index]
            row["largest"] = float(number is not None and number == largest)
            # How big beside the document's other amounts: totals are big, items and change small.
            row["magnitude"] = number / largest if number is not None and largest and largest > 0 else 0.0
            row["size_rank"] = sum(1 for n in numbers if n is not None and number is not None and n > number) / total
            row["arithmetic"] = _adds_up(number, numbers, index)
            row["adjusted"], row["adjusted_later"] = _near_amounts(number, numbers, index)
            row["taxed"] = float(cents[index] in taxed)
            row["subsumed"] = _subsumed(cents, index)
        for source in SOURCES + LATER_SOURCES:
            row[f"source={source}"] = float(p.source == source)
        seen_values.add(key)
        rows.append(row)
    return rows


# More words than this and a candidate is a phrase or a clause, not a name.
NAME_WORDS_AT_MOST = 6

# Two different amounts this close are one figure before and after an adjustment (rounding to the nearest
# coin, a small fee or discount), not two figures.
NEAR_AMOUNT = 0.01


def _near_amounts(number: float | None, numbers: list[float | None], index: int) -> tuple[float, float]:
    """Whether a nearly equal, different amount stands before this one (it is the adjusted figure), and
    whether one stands after it (it is the figure before the adjustment)."""
    if number is None or number <= 0:
        return 0.0, 0.0

    def near(other):
        return other is not None and other != number and abs(other - number) <= NEAR_AMOUNT * number

    return float(any(near(n) for n in numbers[:index])), float(any(near(n) for n in numbers[index + 1:]))


def _adds_up(number: float | None, numbers: list[float | None], index: int) -> float:
    """How far an amount is what others add up to: half for being the sum of the two or more amounts
    right before it (items, then their total), half for being the difference of two others (paid less
    change). A total usually is both; the change only the second; a round sum handed over neither."""
    if number is None or number <= 0:
        return 0.0
    cents = round(number * 100)
    is_sum, running = False, 0
    for count, other in enumerate(reversed(numbers[:index]), start=1):
        if other is None or running > cents:
            break
        running += round(other * 100)
        is_sum = is_sum or (count >= 2 and running == cents)
    others = {round(n * 100) for i, n in enumerate(numbers) if n is not None and i != index and n > 0}
    is_difference = any(cents + other in others for other in others if other != cents)
    return 0.5 * is_sum + 0.5 * is_difference


# A figure added to the amount printed beside it is a tax, fee or service charge when it is at most this share of it.
ADDED_SHARE = 0.3
# How many amounts after one may add up with it to the amount printed after them.
ADDENDS_AT_MOST = 3


def _cents(number: float | None) -> int | None:
    return None if number is None or number <= 0 else round(number * 100)


def _taxed_sums(cents: list[int | None]) -> set[int]:
    """The sums of two different amounts printed next to each other, the smaller at most ADDED_SHARE of the larger:
    a subtotal and its tax, fee or service charge add up to the amount charged."""
    sums = set()
    for first, second in zip(cents, cents[1:]):
        if first and second and first != second and min(first, second) <= ADDED_SHARE * max(first, second):
            sums.add(first + second)
    return sums


def _subsumed(cents: list[int | None], index: int) -> float:
    """1 when the amount and the one to three amounts right after it add up to the amount printed after them: it
    is a part of a larger total (a subtotal before its tax, one section's total before the grand total)."""
    if not cents[index]:
        return 0.0
    running = cents[index]
    for following in range(index + 1, min(len(cents) - 1, index + 1 + ADDENDS_AT_MOST)):
        if not cents[following]:
            break
        running += cents[following]
        if cents[following + 1] == running:
            return 1.0
    return 0.0


# A line counts towards a field when it reads more like the field's description than the document's
# average line does, by at least this much (cosine similarity).
RELEVANCE_MARGIN = 0.06


def line_relevance(query: np.ndarray, proposals: list[Proposal], layout: Layout, encode) -> np.ndarray:
    """How far the lines each candidate covers read like the field, beyond the document's typical line:
    the sum over its lines of (similarity to the field's description - the mean over the first lines -
    RELEVANCE_MARGIN). A block of lines gains from each line about the field and loses from each line
    that is not, so the best block starts and ends where the field's lines do (an address over three
    lines, not its last two nor the shop's name above it). A candidate within a line reads its line.

    Only the first lines and those of line and block candidates (the document's top) are embedded: a
    name or a value after a label further down reads 0 here, so that a long contract costs no more
    than its first pages (embedding every candidate's line cost an NDA 0.12 s more)."""
    spans = [layout.span_lines(p) for p in proposals]
    reference = layout.first_content[:REFERENCE_LINES]
    needed = sorted(set(reference).union(*(lines for p, lines in zip(proposals, spans) if p.source in WHOLE_LINE_SOURCES)))
    if not needed:
        return np.zeros(len(proposals), dtype=np.float32)
    similarity = dict(zip(needed, encode([layout.line_text(i) for i in needed]) @ query))
    typical = float(np.mean([similarity[i] for i in reference])) if reference else 0.0
    return np.array([sum(similarity[i] - typical - RELEVANCE_MARGIN for i in lines) if all(i in similarity for i in lines)
                     else 0.0 for lines in spans], dtype=np.float32)


def unit(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to length 1 (unchanged when it is zero)."""
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def similarities(query_vector: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    if len(vectors) == 0:
        return np.zeros(0, dtype=np.float32)
    return vectors @ query_vector


# What a type's dedicated rules say of a candidate: whether its value is the one they chose, how sure
# they were of it, and whether the candidate is the rules' own (their span, where no generic one matched).
RULE_FEATURES = ("rule_agrees", "rule_confidence", "source=rule")


def validity(proposals: list[Proposal], validators: tuple[str, ...]) -> np.ndarray | None:
    """1 for each candidate whose value passes every one of ``validators`` (VALIDATORS names), else 0;
    None when the field names none."""
    checks = [VALIDATORS[name] for name in validators if name in VALIDATORS]
    if not checks:
        return None
    return np.array([float(all(check(p.value)[0] for check in checks)) for p in proposals], dtype=np.float32)


def rule_votes(proposals: list[Proposal], rule_values: list, rule_confidence: float, same) -> np.ndarray:
    """RULE_FEATURES of each candidate; ``same(rule_value, value)`` compares values as the field's kind does."""
    rows = []
    for p in proposals:
        agrees = any(same(rule_value, p.value) for rule_value in rule_values)
        rows.append((float(agrees), rule_confidence if agrees else 0.0, float(p.source == "rule")))
    return np.array(rows, dtype=np.float32).reshape(len(proposals), len(RULE_FEATURES))


# The prior features, in the order a specialist's feature vector holds them. A ranker keeps the names it was
# trained with (FieldRanker.prior_names), so adding one here leaves trained specialists usable.
PRIOR_NAMES_V3 = ("order", "line", "top", "first_of_value", "repeats", "label_before", "chars", "digits", "upper",
                  "lines", "largest", "magnitude", "size_rank") + tuple(f"source={source}" for source in SOURCES)
# Then what zero-shot found worth having: words over figures, amounts the others add up to, whole units of
# text, and how far a candidate's lines read like the field.
PRIOR_NAMES_V4 = PRIOR_NAMES_V3 + ("letters", "arithmetic", "open_start", "open_end", "holds_label", "relevance")
# Then what zero-shot makes of the candidate (zeroshot.score): how far below the document's best it scores, and
# whether it is the best (with few examples a ranker learns little more than whether to trust zero-shot); and
# whether an amount is the figure after an adjustment or the one before it (_near_amounts).
PRIOR_NAMES_V5 = PRIOR_NAMES_V4 + ("zero_shot_margin", "zero_shot_best", "adjusted", "adjusted_later")
# Then whether the candidate passes the field's validators (a VAT number's format, an IBAN's checksum), and for
# free text how far it is written like a name (capitalised words, not too many of them).
PRIOR_NAMES_V6 = PRIOR_NAMES_V5 + ("valid", "capitalised", "long")
# Then whether the candidate is an organisation named with its legal form (legal_names.py).
PRIOR_NAMES_V7 = PRIOR_NAMES_V6 + tuple(f"source={source}" for source in LATER_SOURCES)
# Then what zero-shot answers (CandidateTable.zero_shot_answer): how far below its answer each candidate scores, and
# whether it is the answer; of zero-shot's ranking in the specialist's view, only how far below its best. The two part
# where the line above a block says what it is: the specialist's view took a bakery's name line with its address as
# zero-shot's best, and a ranker trained on 50 other shops followed that "best" (renamed receipts on new senders at 50
# examples: the address 0.373, zero-shot itself 0.920). Measured on cached candidate tables of the learning curves'
# splits, at 50 and 200 examples: the view's best alone 0.793 / 0.940 on new senders (`last`), 0.902 / 0.932 on known
# ones (`spread`); the answer alone 0.940 / 0.950 and 0.877 / 0.902; both 0.783 / 0.940 (the ranker follows the view);
# this 0.943 / 0.950 and 0.880 / 0.907. What the view's best read better on known senders is mostly their own way of
# labelling (an address with or without the branch line under it, differently on the same shop's receipts).
PRIOR_NAMES_V8 = tuple(name for name in PRIOR_NAMES_V7 if name != "zero_shot_best") + (
    "zero_shot_answer_margin", "zero_shot_answer_best")
# Then, for free text, whether the candidate cuts a name (Layout.cuts_a_name: "CO. (M) SDN BHD" under "POPULAR BOOK",
# "CARRY SDN BHD" of "CASH & CARRY SDN BHD"), which a ranker saw only through zero-shot's score. Renamed receipts, on
# cached candidate tables, at 50 and 200 examples: trained on receipts 151-200 and measured on 201-275 (where the cause
# was found: one bookshop's 6 slips read as the tail of its name) 0.837 -> 0.857 at 50 (the shop's name 0.773 ->
# 0.853); on the `last` split 0.943 / 0.950 either way, `spread` 0.880 / 0.907 -> 0.882 / 0.910; renamed NDAs `last`
# 0.803 / 0.868 -> 0.806 / 0.868. All six free-text features zero-shot reads (names, addresses, places, legal names
# within) read 0.860 on the first split and 0.960 at 200 on `last`, but 0.905 at 200 on `spread`.
PRIOR_NAMES = PRIOR_NAMES_V8 + ("cuts_a_name",)
# Tried and withdrawn: reading no "source=block*" (how many lines a block takes as one feature each). At 50 receipts
# on new senders it took the receipts measured by the learning curve from 0.797 to 0.920 (a bakery's two-line address
# over its customer's three-line one), but that is where the cause was found; on receipts used for neither (train
# 175-224, measure 75-124) it lost 0.920 -> 0.899, and 0.848 -> 0.833 / 0.890 -> 0.882 where senders are shared.


@dataclass
class CandidateTable:
    """A field's candidates in one document and everything known about them."""

    kind: Kind
    proposals: list[Proposal]
    rows: list[dict]
    context_similarity: np.ndarray
    # The context with the line after it (what a specialist reads); None when no encoder is available.
    context_vectors: np.ndarray | None = None
    value_vectors: np.ndarray | None = None  # free text only: the candidate's own (redacted) words
    # A type with dedicated code: what its rules say of each candidate (RULE_FEATURES), else None.
    rule_features: np.ndarray | None = None
    # Zero-shot free text: how far the candidate's lines read like the field (line_relevance), else None.
    line_relevance: np.ndarray | None = None
    # What zero-shot scores each candidate (zeroshot.score), once the rest is known. In a specialist's view, that is
    # zero-shot's ranking as the specialist reads the candidates (its own view of the context), not zero-shot's answer.
    zero_shot: np.ndarray | None = None
    # A specialist's view: what zero-shot itself scores each candidate, reading its own view of the context (the value
    # zero-shot answers is the best of these). None in zero-shot's own table.
    zero_shot_answer: np.ndarray | None = None
    # 1 where the candidate passes the field's validators (schema x-validators), else 0; None: none to pass.
    valid: np.ndarray | None = None
    # The field asks for the names of people or organisations (kinds.asks_for_names): zero-shot weighs name-likeness.
    names: bool = False
    # The field asks for a postal address (kinds.asks_for_address): zero-shot weighs address-likeness.
    address: bool = False
    # The amount asked for is the one before tax (kinds.asks_for_amount_before_tax): zero-shot weighs the sums the other way.
    before_tax: bool = False

    def matrix(self, prior_names: tuple[str, ...] = PRIOR_NAMES) -> np.ndarray:
        """One row per candidate: similarity, priors, the rules' votes, then the context's and the value's embedding."""
        count = len(self.rows)  # a table has at least one candidate
        zero_shot = self.zero_shot if self.zero_shot is not None else np.zeros(count)
        answer = self.zero_shot_answer if self.zero_shot_answer is not None else zero_shot
        computed = {"relevance": self.line_relevance if self.line_relevance is not None else np.zeros(count),
                    "zero_shot_margin": zero_shot - zero_shot.max(),
                    "zero_shot_best": (zero_shot == zero_shot.max()).astype(np.float32),
                    "zero_shot_answer_margin": answer - answer.max(),
                    "zero_shot_answer_best": (answer == answer.max()).astype(np.float32),
                    "valid": self.valid if self.valid is not None else np.ones(count)}
        priors_ = np.array([[float(computed[name][i]) if name in computed else row.get(name, 0.0) for name in prior_names]
                            for i, row in enumerate(self.rows)], dtype=np.float32)
        parts = [self.context_similarity.reshape(-1, 1).astype(np.float32), priors_]
        if self.rule_features is not None:
            parts.append(self.rule_features)
        if self.context_vectors is not None:
            parts.append(self.context_vectors)
        if self.value_vectors is not None:
            parts.append(self.value_vectors)
        return np.hstack(parts)
