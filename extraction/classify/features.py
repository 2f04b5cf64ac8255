"""Text preparation and cheap lexical cues for the classifier.

Pure Python. The cues are type-agnostic yes/no (or small count) features of
the document's head: the classifier learns from the labelled examples how much
each one says about each type, so a reviewer's corrections can outweigh them.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np

HEAD_CHARS = 1200  # ~256 MiniLM tokens: the encoder's window
CUE_CHARS = 3000  # how much of the document the cues look at

_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")
_RULES = re.compile(r"^[\s\-=_*#|+~.]{6,}$", re.M)  # ASCII rules, table borders


def clean(text: str) -> str:
    """Whitespace-normalised text: runs of spaces collapsed, blank lines squeezed, rules dropped."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _RULES.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _BLANKS.sub("\n\n", text)
    return text.strip()


def head(text: str, chars: int = HEAD_CHARS) -> str:
    """The beginning of the cleaned text, cut at a word boundary."""
    text = clean(text)
    if len(text) <= chars:
        return text
    cut = text.rfind(" ", 0, chars)
    return text[: cut if cut > chars // 2 else chars]


def _rx(pattern: str, flags: int = re.I | re.M) -> re.Pattern:
    return re.compile(pattern, flags)


_HEADER = _rx(
    r"^(?:message-id|from|to|cc|bcc|subject|date|sent|reply-to|mime-version|content-type|x-from|x-to|x-folder"
    r"|von|an|betreff|gesendet|de|à|objet|envoyé|van|aan|onderwerp|verzonden)\s*:"
)
_MONEY = r"(?:[$€£¥₹]|\b(?:usd|eur|gbp|chf|pln|rm|myr|sgd|inr|rs\.?|zł|kr)\b)"

# name -> (pattern, where): "title" = the first 300 chars, "top" = the first 600, "head" = the first CUE_CHARS,
# "all" = the head and the last CUE_CHARS
CUES: list[tuple[str, re.Pattern, str]] = [
    ("mail_forward", _rx(r"-{2,}\s*(?:original message|forwarded by|forwarded message)|^\s*(?:fw|fwd|re|aw|tr)\s*:"), "head"),
    ("subject_first", _rx(r"\A\s*(?:subject|betreff|objet|onderwerp)\s*:"), "head"),
    ("salutation", _rx(r"^\s*(?:dear|hello|hi|hallo|bonjour|cher|chère|geachte|beste|sehr geehrte|to whom it may concern|monsieur|madame)\b"), "head"),
    ("salutation_top", _rx(r"^\s*(?:dear|to whom it may concern|sehr geehrte|geachte|monsieur|madame|cher|chère)\b"), "top"),
    ("valediction", _rx(r"^\s*(?:sincerely|yours (?:sincerely|faithfully|truly)|(?:best|kind|warm) regards|regards|respectfully|"
                        r"cordially|with (?:kind|best) regards|mit freundlichen grüßen|met vriendelijke groet|"
                        r"veuillez agréer|cordialement|very truly yours)\b"), "all"),
    ("nda_title", _rx(r"non[- ]?disclosure|confidentiality agreement|confidentiality and|secrecy agreement|geheimhaltung|"
                      r"accord de confidentialit|standstill|evaluation material|proprietary information|\bconfidential\w*"),
     "title"),
    ("nda_terms", _rx(r"confidential information|disclosing party|receiving party|evaluation material|proprietary information|"
                      r"trade secrets?|non[- ]?disclosure"), "head"),
    ("agreement", _rx(r"\bagreement\b|\bcontract\b|\bcontrat\b|\bvertrag\b|\bovereenkomst\b|\bumowa\b|\bhereinafter\b|"
                      r"\bwhereas\b|\bin witness whereof\b|\bentered into\b|\bby and between\b"), "head"),
    ("contract_kind", _rx(r"\b(?:employment|employer|employee|loan|lender|borrower|mortgag\w*|lease|landlord|tenant|rent(?:al)?|"
                          r"consult\w*|purchase|seller|buyer|services? agreement)\b"), "title"),
    ("invoice_word", _rx(r"\b(?:invoice|facture|factuur|faktura|rechnung|fattura|factura|nota fiscal)\b"), "title"),
    ("invoice_terms", _rx(r"invoice (?:no|number|date|#)|bill(?:ed)? to|due date|payment terms|terms:\s*net|vat (?:no|id|number|reg)|"
                          r"tva|btw|mwst|ust-?idnr|nip\b|gstin|siret|iban|subtotal|sub-total|total (?:ht|ttc|due|excl)|"
                          r"amount due|net ?amount|\bhsn\b|montant|bedrag"), "head"),
    ("till", _rx(r"\b(?:change|cash|cashier|tendered|rounding|qty|thank you|come again|receipt|counter|table|"
                 r"server|visa|mastercard|contactless|items? sold|gst|sdn\.? bhd|pos\b|trans(?:action)?\s*#?\d|member)\b"), "head"),
    ("total_money", _rx(r"\btotal\b[^\n]{0,25}\d+[.,]\d\d|" + _MONEY + r"\s*\d+[.,]\d\d"), "head"),
    ("statement", _rx(r"\bstatement\b|\bopening balance|\bclosing balance|balance b/?f|balance c/?f|beginning balance|"
                      r"ending balance|statement period|kontoauszug|relevé de compte|rekeningoverzicht|credit limit|minimum payment"), "head"),
    ("payslip", _rx(r"pay ?slip|payslip|salary slip|earnings statement|pay stub|net pay|gross pay|pay period|net salary|"
                    r"gehaltsabrechnung|bulletin de (?:paie|salaire)|loonstrook|salaire (?:brut|net)|ytd|year to date"), "head"),
    ("medical_headers", _rx(r"^\s*(?:chief complaint|history of present illness|hpi|past medical history|diagnos[ie]s|"
                            r"preoperative|postoperative|procedures?(?: performed)?|anesthesia|impression|findings|assessment|"
                            r"plan|subjective|objective|physical exam\w*|medications|allergies|review of systems|"
                            r"indications?|reason for (?:visit|consultation|referral)|exam|technique|complications|"
                            r"hospital course|discharge)\b"), "head"),
    ("medical_words", _rx(r"\bpatient\b|\bmg\b|\bdiagnos\w+|\bclinic\b|\bsymptoms?\b|\bexamination\b|\bprocedure\b|"
                          r"\bhistory\b|\bdr\.|\bm\.?d\.?\b"), "head"),
    ("resume", _rx(r"curriculum vitae|\bresume\b|\brésumé\b|lebenslauf|\bskills?\b|\beducation\b|\bexperience\b|exprience|"
                   r"work history|employment history|\bobjective\b|\bqualifications\b|certifications?|\bprofile\b|"
                   r"skill details|company details|education details"), "head"),
    ("application", _rx(r"\bapplication\b|\bapplicant\b|\bapply(?:ing)?\b|date of birth|\bdob\b|i (?:hereby )?certify|"
                        r"i/we declare|\[\s*[x ]?\s*\]|signature of applicant|applicant signature|requested"), "head"),
    ("claim", _rx(r"\bclaim(?:ant)?s?\b|date of (?:loss|incident|accident|injury)|policy ?(?:holder|number|no)|"
                  r"amount claimed|loss adjuster|deductible|excess|schadenmeldung|sinistre|injur(?:y|ies)"), "head"),
    ("insurance", _rx(r"\binsur\w+|\bpolicy\b|\bpremium\b|\bcoverage\b|\bcover\b"), "head"),
    ("tax", _rx(r"\btax (?:return|form|year|assessment)|taxable income|\bw-2\b|\b1099\b|\b1040\b|\birs\b|"
                r"notice of assessment|\bvat return|taxpayer|tax identification|withh[oe]ld|\bhmrc\b|"
                r"steuererklärung|déclaration de revenus|assessed value|depreciation|schedule [a-z]\b"), "head"),
    ("log_ticket", _rx(r"^\d{4}-\d\d-\d\d[ t]\d\d:\d\d|\bticket\b|\bincident\b|\bagent\b|\bcustomer:|\bsession\b|"
                       r"\bstatus:|\bpriority\b|\bsupport\b|\blog\b"), "head"),
    ("confirmation", _rx(r"\bconfirmation\b|\bconfirmed\b|\breminder\b|\brenew\w*|\btransaction id|\breference:|"
                         r"\bstatus: completed\b"), "title"),
]
CUE_NAMES = [name for name, _, _ in CUES]
N_EXTRA = 4  # shape features appended after the cues
FEATURE_NAMES = CUE_NAMES + ["mail_headers", "short_lines", "digit_share", "upper_share"]


def cue_vector(text: str) -> np.ndarray:
    """Lexical and layout features of a document (values in [0, 1])."""
    text = text or ""
    body = clean(text[: CUE_CHARS * 2])[:CUE_CHARS]
    title = body[:300]
    full = body if len(text) <= CUE_CHARS else body + "\n" + clean(text[-CUE_CHARS:])
    values = []
    for _name, pattern, where in CUES:
        scope = {"title": title, "top": body[:600], "all": full}.get(where, body)
        n = len(pattern.findall(scope))
        values.append(0.0 if n == 0 else 0.6 + 0.2 * min(n - 1, 2))  # presence first, then a little for more
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    top = lines[:20]
    headers = sum(1 for ln in top if _HEADER.match(ln))
    values.append(min(headers, 4) / 4.0)
    short = sum(1 for ln in lines if len(ln) <= 40) / max(1, len(lines))
    values.append(short)
    letters = sum(c.isalpha() for c in body) or 1
    values.append(min(1.0, sum(c.isdigit() for c in body) / (letters + sum(c.isdigit() for c in body) or 1) * 2))
    values.append(sum(c.isupper() for c in body) / letters)
    return np.asarray(values, dtype=np.float32)
