"""MeteredRuntime: the tokens every call spent, counted once, without changing the answers."""
from extraction.slm.metered import MeteredRuntime


class Result:
    def __init__(self, usage):
        self.usage = usage


class FakeRuntime:
    name = "fake"

    def score(self, prompt, candidates):
        return Result(("score", len(candidates)))

    def score_batch(self, items):
        shared = ("batch", len(items))  # one Usage for the whole batch, as the real runtime returns
        return [Result(shared) for _ in items]


def test_every_call_is_recorded_once_and_answers_pass_through():
    metered = MeteredRuntime(FakeRuntime())
    assert metered.score("p", ["a", "b"]).usage == ("score", 2)
    assert len(metered.score_batch([("p", ["a"]), ("q", ["b"])])) == 2
    assert metered.usage == [("score", 2), ("batch", 2)]
    assert metered.name == "fake"  # other attributes are the runtime's own
    assert not hasattr(metered, "generate")  # calls the runtime lacks stay missing (extractors test for them)


def test_usage_groups_by_the_model_that_spent_it():
    from types import SimpleNamespace

    from extraction.slm.metered import by_model

    a1, b, a2 = (SimpleNamespace(model=m) for m in ("a", "b", "a"))
    assert by_model([a1, b, a2]) == {"a": [a1, a2], "b": [b]}
