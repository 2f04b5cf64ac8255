"""The processing pipeline's stages, as plain Python: text (the evidence layer),
PII, models, classification, extraction, validation, routing.

It is also a Django app only so that its management commands (build_models,
detect_pii, ...) are found; stages do not import Django models.
"""
