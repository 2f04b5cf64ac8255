"""One-line descriptions of the document types, read by the generator's second opinion.

The document-type registry (:mod:`extraction.doctypes`) is the source of truth
when it is importable; ``DESCRIPTIONS`` is the fallback and covers every type
the classifier knows.
"""
from __future__ import annotations

DOC_TYPES = (
    "invoice",
    "receipt",
    "nda",
    "contract",
    "bank_statement",
    "payslip",
    "medical_record",
    "letter",
    "resume",
    "email",
    "application_form",
    "insurance_claim",
    "tax_form",
    "other",
)

DESCRIPTIONS: dict[str, str] = {
    "invoice": "An invoice: a bill from a seller asking for payment, with invoice number, line items, VAT and total due.",
    "receipt": "A shop or restaurant till receipt: items bought, total paid, cash and change.",
    "nda": "A non-disclosure or confidentiality agreement protecting confidential information.",
    "contract": "A contract other than an NDA: employment, loan, mortgage, lease, services or sale agreement.",
    "bank_statement": "A bank or credit card statement: account, period, balances and a list of transactions.",
    "payslip": "A payslip: an employee's pay for a period, gross pay, deductions and net pay.",
    "medical_record": "A medical record: a clinical note or report with history, examination, diagnosis and plan.",
    "letter": "A letter to a person or organisation, with a salutation and a signature.",
    "resume": "A resume or CV: a person's work experience, education and skills.",
    "email": "An e-mail message with From, To and Subject headers and a body.",
    "application_form": "A filled-in application form for credit, a loan, a card, aid or a job.",
    "insurance_claim": "An insurance claim: policy number, claimant, incident or loss and amount claimed.",
    "tax_form": "A tax form, tax return or tax assessment: taxpayer, tax year, income and tax due.",
    "other": "Some other document: a support ticket, log, reminder, policy, confirmation or note.",
}


def descriptions(types=None) -> dict[str, str]:
    """Description of each type: the doctypes registry's when it has one, else ours."""
    out = dict(DESCRIPTIONS)
    try:  # the registry is optional here (pure-Python package, may be absent)
        from extraction.doctypes import default_registry

        registry = default_registry()
        for name, spec in registry.items():
            text = (getattr(spec, "description", "") or "").strip()
            if text:
                out[name] = text
    except Exception:  # noqa: BLE001 - any problem with the registry means our own descriptions
        pass
    if types is not None:
        return {t: out.get(t, t.replace("_", " ")) for t in types}
    return out
