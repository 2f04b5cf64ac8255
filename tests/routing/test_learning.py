"""The dashboard's learning curve: every trained specialist version of a type, its training size and
cross-validated figures, plotted and listed."""
import pytest
from django.core.management import call_command
from django.urls import reverse

from appliance.routing.learning import learning_curves
from tests.fields.general.notices import write_labelled
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
NAME = "parking_notice_t"


def _train(folder, count, seed):
    docs, gold = write_labelled(folder, count, seed=seed)
    call_command("train_type", NAME, "--docs", str(docs), "--gold", str(gold))


def test_each_version_is_a_point_of_the_curve_on_the_dashboard(tmp_path, built_models, notice_type, client, user_of):
    assert learning_curves() == {}
    _train(tmp_path / "first", 10, seed=1)
    _train(tmp_path / "second", 25, seed=2)
    [first, second] = learning_curves()[NAME]
    assert (first["version"], first["documents"], second["version"], second["documents"]) == ("v1", 8, "v2", 20)
    for point in (first, second):
        assert 0 <= point["accuracy"] <= 1 and 0 <= point["automation"] <= point["accuracy"] + 1e-9
        assert point["held_back_accuracy"] is not None and point["trained_at"]

    client.force_login(user_of("reviewer"))
    body = client.get(reverse("routing:dashboard")).content.decode()
    assert 'class="learning-plot"' in body and body.count('class="learning-accuracy"') == 1
    assert f"{NAME} v2: accuracy" in body  # each point's tooltip
    assert "No specialist trained yet" not in body


def test_without_specialists_the_dashboard_says_how_to_train_one(client, user_of):
    client.force_login(user_of("admin"))
    assert "No specialist trained yet" in client.get(reverse("routing:dashboard")).content.decode()
