"""The database budget store shared by every worker: atomic adds, per scope and day."""
import datetime

import pytest

from appliance.routing.budget import DatabaseBudgetStore
from extraction.llm.client import BudgetExceeded, TokenBudget


@pytest.mark.django_db
def test_spend_accumulates_per_scope_and_day():
    store = DatabaseBudgetStore()
    today, tomorrow = datetime.date(2026, 1, 1), datetime.date(2026, 1, 2)
    assert store.spent("model-a", today) == 0
    assert store.add("model-a", today, 300) == 300
    assert store.add("model-a", today, -100) == 200  # a reservation handed back
    store.add("model-b", today, 50)
    store.add("model-a", tomorrow, 7)
    assert store.spent("model-a", today) == 200
    assert store.spent("model-b", today) == 50
    assert store.spent("model-a", tomorrow) == 7


@pytest.mark.django_db
def test_budget_on_the_database_store_refuses_once_the_day_is_spent():
    day = datetime.date(2026, 3, 4)
    budget = TokenBudget(1000, DatabaseBudgetStore(), scope="endpoint", today=lambda: day)
    reservation = budget.reserve(600)
    budget.settle(reservation, 1000)
    with pytest.raises(BudgetExceeded):
        budget.reserve(10)
    assert DatabaseBudgetStore().spent("endpoint", day) == 1000
