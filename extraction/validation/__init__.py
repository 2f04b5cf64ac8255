"""Validation of extracted fields: the type's JSON Schema, typed validators per field, cross-field rules."""
