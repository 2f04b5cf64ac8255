"""Cross-field rules. Each takes the fields' normalised values (and what the extractor saw, in
``context``) and returns a ValidatorResult naming the fields it concerns, or None when it does not apply."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from extraction.fields.result import ValidatorResult


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def untaxed_not_above_total(values, context):
    untaxed, total = _decimal(values.get("amount_untaxed")), _decimal(values.get("amount"))
    if untaxed is None or total is None:
        return None
    ok = untaxed <= total
    return ("amount_untaxed", "amount"), ValidatorResult("untaxed_not_above_total", ok, "" if ok else "amount before tax exceeds the total")


def subtotal_plus_tax_is_total(values, context):
    """Where the receipt shows a subtotal and tax (and maybe rounding), they must add up to the total."""
    total = _decimal(values.get("total"))
    subtotal, tax = _decimal(context.get("subtotal")), _decimal(context.get("tax"))
    if total is None or subtotal is None or tax is None:
        return None
    rounding = _decimal(context.get("rounding")) or Decimal(0)
    ok = abs(subtotal + tax + rounding - total) <= Decimal("0.05")
    return ("total",), ValidatorResult("subtotal_plus_tax_is_total", ok, "" if ok else "subtotal plus tax differs from total")


def net_not_above_gross(values, context):
    net, gross = _decimal(values.get("net_pay")), _decimal(values.get("gross_pay"))
    if net is None or gross is None:
        return None
    ok = net <= gross
    return ("net_pay", "gross_pay"), ValidatorResult("net_not_above_gross", ok, "" if ok else "net pay exceeds gross pay")


RULES = {
    "untaxed_not_above_total": untaxed_not_above_total,
    "subtotal_plus_tax_is_total": subtotal_plus_tax_is_total,
    "net_not_above_gross": net_not_above_gross,
}
