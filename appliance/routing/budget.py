"""The larger-model tier's daily token budget, kept in the database so all workers share it."""
from django.db import IntegrityError, transaction
from django.db.models import F

from appliance.routing.models import TokenSpend


class DatabaseBudgetStore:
    """``extraction.llm.client.BudgetStore`` on the TokenSpend table; ``add`` is atomic."""

    def spent(self, scope, day):
        return TokenSpend.objects.filter(scope=scope, day=day).values_list("tokens", flat=True).first() or 0

    def add(self, scope, day, tokens):
        with transaction.atomic():
            updated = TokenSpend.objects.filter(scope=scope, day=day).update(tokens=F("tokens") + tokens)
            if not updated:
                try:
                    with transaction.atomic():
                        TokenSpend.objects.create(scope=scope, day=day, tokens=tokens)
                except IntegrityError:  # another worker created the row first
                    TokenSpend.objects.filter(scope=scope, day=day).update(tokens=F("tokens") + tokens)
            return TokenSpend.objects.get(scope=scope, day=day).tokens
