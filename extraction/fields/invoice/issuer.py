"""The seller: the name at the head of the invoice or beside a seller label, not the customer's."""
from __future__ import annotations

import re
from collections import Counter

from extraction.evidence import DocText
from extraction.fields.result import FieldResult
from extraction.fields.invoice.lines import Line, line_at, rounded


LEGAL_FORM = re.compile(
    r"(?<![\w])(?:B\.\s?V\.?|BV|N\.\s?V\.?|NV|GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|KG|OHG|UG|e\.\s?K\.|S\.\s?A\.\s?S\.?|SAS|SASU|SARL|S\.\s?A\.\s?R\.\s?L\.|"
    r"EURL|S\.\s?A\.?|SA|SNC|Ltd\.?|Limited|LLC|L\.L\.C\.|LLP|PLC|Inc\.?|Incorporated|Corp\.?|Corporation|Co\.,?\s*Ltd\.?|"
    r"Pvt\.?\s*Ltd\.?|Private\s+Limited|Pty\.?\s*Ltd\.?|S\.\s?p\.\s?A\.?|S\.\s?r\.\s?l\.?|SRL|BVBA|VOF|CV|"
    r"sp\.\s?z\s?o\.\s?o\.?|spółka\s+(?:akcyjna|z\s+ograniczoną\s+odpowiedzialnością|jawna)|S\.\s?C\.?)(?![\w])")
SELLER_LABEL = re.compile(
    r"\bsold\s*by\b|(?:^|(?<=\n))\s*(?:from|seller|supplier|vendor|service\s*provider|issued\s*by|sprzedawca|wystawca|dostawca|"
    r"verk[äa]ufer|lieferant|rechnungssteller|vendeur|fournisseur|[ée]metteur|leverancier|verkoper|afzender|absender|"
    r"exp[ée]diteur)\b\s*:?|\b(?:seller|supplier|vendor|service\s*provider|sprzedawca|wystawca|verk[äa]ufer|lieferant|"
    r"vendeur|fournisseur|leverancier|verkoper)\s*:",
    re.I)
HOLDER_LABEL = re.compile(
    r"titulaire\s*du\s*compte|account\s*(?:holder|name)|beneficiary|rekeninghouder|ten\s*name\s*van|kontoinhaber|"
    r"empf[äa]nger|odbiorca\s*p[łl]atno[śs]ci|in\s*fav(?:ou)?r\s*of|payable\s*to|cheques?\s*(?:payable\s*)?to", re.I)
FOOTER_LEGAL = re.compile(
    r"au\s*capital|capital\s*social|RCS|SIRET|SIREN|registered\s*(?:office|in)|company\s*(?:no|number|reg)|"
    r"KvK|handelsregister|registergericht|HRB|amtsgericht|KRS|REGON|CIN\b|siège|sitz|zetel", re.I)
NOT_NAME = re.compile(
    r"@|www\.|https?:|\btel\b|\bfax\b|phone|iban|bic|swift|invoice|facture|factuur|rechnung|faktura|receipt|"
    r"\bpage\b|\bseite\b|total|date|datum|\d{4,}", re.I)
FREE_MAIL = {"gmail", "yahoo", "hotmail", "outlook", "live", "icloud", "gmx", "web", "orange", "wanadoo", "free", "example", "fake"}
DOMAIN_RE = re.compile(r"(?:www\.|https?://|@)((?:[a-z0-9\-]+\.)+[a-z]{2,})", re.I)


def _clean_name(text: str) -> str:
    labelled = re.match(r"^[A-Za-zÀ-ž .]{2,25}:\s*(\S.*)$", text.strip())
    if labelled:
        text = labelled.group(1)  # "Sprzedawca: X S.A."
    text = re.split(r"\s[-–−|•]\s|\s{3,}|\t", text.strip())[0]
    text = re.split(r"\s+(?:au\s+capital|capital|RCS|SIRET|siège|registered|Sitz|KRS|NIP|VAT|TVA|BTW)\b", text, flags=re.I)[0]
    legal = None
    for legal in LEGAL_FORM.finditer(text):
        break
    if legal is not None and legal.start() > 0:
        text = text[: legal.end()]
    text = text.strip(" ,:;-–")
    # ", Inc." written after a comma is a designation appended to the name: the name is before it
    text = re.sub(r",\s*(?:Inc\.?|Incorporated|LLC|L\.L\.C\.|Corp\.?)$", "", text)
    return text.strip(" ,:;-–")


def _name_like(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    if re.fullmatch(r"\(.*\)", text.strip()):
        return False
    return 2 <= letters and len(text) <= 70 and letters >= 0.5 * len(text.replace(" ", "")) and not NOT_NAME.search(text)


def extract_issuer(doc: DocText, lines: list[Line], customer: set[int], anchors: list[int]) -> FieldResult | None:
    text = doc.text
    cands: list[tuple[str, float, str, Line]] = []

    def add(line: Line, raw: str, score: float, cue: str):
        name = _clean_name(raw)
        if name and _name_like(name) and len(name) >= 2:
            start = text.find(name, line.start)
            cands.append((name, score, cue, line if start >= 0 else line))

    n = len(lines)
    for line in lines:
        t = line.text
        m = SELLER_LABEL.search(t)
        if m and line.index not in customer:
            after = t[m.end():].strip(" :")
            before = t[: m.start()].strip(" :,")
            if after:
                add(line, after, 0.8, "seller label")
            elif before:
                add(line, before, 0.75, "seller label after name")
            elif line.index + 1 < n:
                add(lines[line.index + 1], lines[line.index + 1].text, 0.8, "seller label above")
        m = HOLDER_LABEL.search(t)
        if m:
            after = t[m.end():].strip(" :")
            if after:
                add(line, after, 0.6, "account holder")
            elif line.index + 1 < n:
                nxt = lines[line.index + 1].text
                if line.index + 2 < n and not LEGAL_FORM.search(nxt) and LEGAL_FORM.fullmatch(lines[line.index + 2].text.strip()):
                    nxt = nxt + " " + lines[line.index + 2].text  # "Oravel Stays Pvt." / "Ltd."
                add(lines[line.index + 1], nxt, 0.6, "account holder")
        if line.index in customer:
            continue
        legal = LEGAL_FORM.search(t)
        if legal and (len(t) < 120 or FOOTER_LEGAL.search(t)):
            if line.index < 10:
                add(line, t, 0.6, "letterhead with legal form")
            elif FOOTER_LEGAL.search(t) or line.index >= n - 8:
                add(line, t, 0.55, "footer legal line")
            else:
                add(line, t, 0.35, "legal form")
    # the name a website or e-mail domain spells, as written in the text
    domains = Counter()
    for m in DOMAIN_RE.finditer(text):
        parts = m.group(1).lower().split(".")
        label = parts[-2] if len(parts) >= 2 else parts[0]
        if len(parts) >= 3 and len(parts[-2]) <= 3 and parts[-1] in {"uk", "au", "in", "jp", "nz", "za", "br"}:
            label = parts[-3]
        if label not in FREE_MAIL or "www" in m.group().lower():
            domains[label] += 1
    for label, count in domains.items():
        compact = re.sub(r"[^a-z0-9]", "", label)
        if len(compact) < 3:
            continue
        tokens = [(w.start(), w.end(), w.group()) for w in re.finditer(r"[\wÀ-ž&'.\-]+", text)]
        forms = Counter()
        for i in range(len(tokens)):
            acc = ""
            for k in range(i, min(i + 4, len(tokens))):
                acc += re.sub(r"[^a-z0-9]", "", tokens[k][2].lower())
                if acc == compact:
                    forms[text[tokens[i][0]: tokens[k][1]].strip(".,-")] += 1
                    break
                if not compact.startswith(acc):
                    break
        for form, c in forms.items():
            if "." in form and not LEGAL_FORM.search(form):
                continue  # "flipkart.com" itself
            line = line_at(lines, text.find(form))
            if line is not None:
                cands.append((form, 0.3 + 0.05 * min(c, 4), "website domain", line))
    if not cands:
        return None
    for cand in list(cands):
        if any(abs(cand[3].index - a) <= 4 for a in anchors) and cand[2] != "website domain":
            cands.append((cand[0], 0.25, "beside the VAT id or IBAN", cand[3]))
    # vote: names that are the same, or one the start of the other, support each other
    def key(name):
        return re.sub(r"[\W_]", "", LEGAL_FORM.sub("", name)).lower()

    groups: dict[str, list] = {}
    for cand in cands:
        k = key(cand[0])
        if not k:
            continue
        home = next((g for g in groups if g.startswith(k) or k.startswith(g)), None)
        groups.setdefault(home or k, []).append(cand)
    scored = []
    for k, members in groups.items():
        cues = {m[2] for m in members}
        score = sum(max(m[1] for m in members if m[2] == cue) for cue in cues)
        scored.append((score, k, members))
    scored.sort(key=lambda s: -s[0])
    score, k, members = scored[0]
    runner = scored[1][0] if len(scored) > 1 else 0.0
    # the name as the strongest cue wrote it; without its legal form when the document mostly writes it so
    strongest = max(members, key=lambda m: (m[1], len(m[0])))
    value = strongest[0]
    legal = LEGAL_FORM.search(value)
    if legal and legal.start() > 0:
        base = value[: legal.start()].rstrip(" ,")
        bare = re.findall(rf"(?<![\w.]){re.escape(base)}(?![\w.@-])(?!\s*,?\s*{LEGAL_FORM.pattern})", text)
        full = re.findall(rf"(?<![\w.]){re.escape(base)}\s*,?\s*{LEGAL_FORM.pattern}", text)
        if len(bare) > len(full):
            value = base
    n_cues = len({m[2] for m in members})
    confidence = min(0.95, 0.45 + 0.15 * n_cues + 0.1 * (score > 1.2)) * (score / (score + runner))
    if any(m[2] == "website domain" for _, _, ms in scored[1:] for m in ms):
        confidence -= 0.2  # the website names someone else (a brand over a legal entity, a marketplace)
    spans = []
    for m in members:
        if m[0] == value:
            at = text.find(value, m[3].start)
            if at >= 0:
                span = doc.span(at, at + len(value))
                if span not in spans:
                    spans.append(span)
    if not spans:
        found = doc.find_all(value)
        spans = found[:1]
    return FieldResult("issuer", value, rounded(confidence), spans[:4], "rule", value,
                       candidates=[{"value": max(Counter(x[0] for x in ms), key=Counter(x[0] for x in ms).get),
                                    "score": round(s, 3)} for s, _, ms in scored[:5]])
