"""Field extraction with evidence: per document type, candidates from the text, a choice among
them (rules, then the SLM), normalisation, and a grounding span for every value."""
