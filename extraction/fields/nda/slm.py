"""The small model where the NDA rules are unsure: a yes/no vote on each competing candidate, read in its
redacted context."""
from __future__ import annotations

from extraction.evidence import DocText
from extraction.fields.result import Candidate

_SLM_WEIGHT = 0.4  # how far the model's yes/no can move a rule score (both in [0, 1])
_ASK_DATE = "Is the date marked [[ ]] the date this agreement is made, dated or takes effect?"
_ASK_TERM = "Is the period marked [[ ]] how long this agreement itself stays in force (its term)?"
_ASK_SIGNER = ("In this signature block, does the person marked [[ ]] sign for themselves, as a party to the "
               "agreement, rather than as an officer on behalf of a company?")


def _marked(doc: DocText, start: int, end: int, before: int = 240, after: int = 120) -> str:
    """The candidate in its redacted context, ``...before [[candidate]] after...``: from safe_window only."""
    text = doc.safe_window(start - before, start) + "[[" + doc.safe_window(start, end) + "]]" + doc.safe_window(end, end + after)
    return " ".join(text.split())


def _prompt(context: str, question: str) -> str:
    return f"Text: ...{context}...\n\nQuestion: {question} Answer Yes or No."


def _slm_yes(runtime, prompts: list[str]) -> list[float] | None:
    """P(Yes) for each prompt from the model's log-likelihoods of 'Yes' and 'No' (one batched call);
    None without a runtime or when the model is unavailable (the rules decide)."""
    if runtime is None or not prompts:
        return None
    from extraction.slm.errors import SLMError

    try:
        results = runtime.score_batch([(p, ["Yes", "No"]) for p in prompts])
    except SLMError:
        return None
    return [r.probabilities()[0] for r in results]


def _slm_choose(doc: DocText, cands: list[Candidate], question: str, runtime, top, conf, shown, threshold=1.0):
    """When two values compete with close rule scores, let the SLM vote on each (a short redacted window
    around the best mention of each value); the choice is rule score + weighted vote. A value the rules
    would accept on their own is left alone (the model is consulted only below the field's threshold)."""
    if top is None or runtime is None or conf >= threshold:
        return top, conf, shown, "rule"
    best: dict = {}
    for c in cands:
        if c.value not in best or c.score > best[c.value].score:
            best[c.value] = c
    ranked = sorted(best.values(), key=lambda c: -c.score)[:3]
    if len(ranked) < 2 or ranked[1].score < 0.5 or top.score - ranked[1].score > 0.12:
        return top, conf, shown, "rule"
    prompts = []
    for c in ranked:
        start = doc.global_offset(c.span)
        prompts.append(_prompt(_marked(doc, start, start + (c.span.end - c.span.start)), question))
    votes = _slm_yes(runtime, prompts)
    if votes is None:
        return top, conf, shown, "rule"
    mean = sum(votes) / len(votes)
    combined = [c.score + _SLM_WEIGHT * (v - mean) for c, v in zip(ranked, votes)]
    i = max(range(len(ranked)), key=lambda k: combined[k])
    chosen = ranked[i]
    if chosen.value != top.value:
        conf = min(conf, 0.6)
    shown = [{"value": c.value, "score": round(c.score, 3), "slm_yes": round(v, 3)} for c, v in zip(ranked, votes)]
    return chosen, conf, shown, "slm"
