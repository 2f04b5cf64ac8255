"""Worker-side check of the local models: the three runtime calls from inside a Celery task."""
from celery import shared_task

from audit.events import model_system, record


@shared_task(name="models.self_test")
def models_self_test():
    """Embed, generate and score with this worker's models (loaded once per process); audited."""
    from extraction.slm import runtime

    embedded = runtime.embed(["invoice total amount due", "amount payable on this invoice", "sunny weather today"])
    vectors = embedded.vectors
    related_closer = float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
    scored = runtime.score("What is 2 + 2? Answer with a number only.", ["4", "7"])
    generated = runtime.generate(["Say hello in one word."], max_tokens=8)
    passed = related_closer and scored.best.candidate == "4" and generated.usage.output_tokens > 0
    usages = [embedded.usage, scored.usage, generated.usage]
    record(
        "models_self_tested",
        system=model_system(generated.usage),
        details={"embedding_dim": int(vectors.shape[1]), "related_closer": related_closer,
                 "score_prefers_right_answer": scored.best.candidate == "4",
                 "generated_tokens": int(generated.usage.output_tokens)},
        outcome="passed" if passed else "failed",
        tokens=sum(usage.total_tokens for usage in usages),
        latency_ms=int(sum(usage.latency_ms for usage in usages)),
    )
    return passed
