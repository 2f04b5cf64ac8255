"""Document types as data: each type has a label, a description (the classifier's second
opinion reads it), a JSON Schema for its fields, and cross-field rules.

Shipped defaults live in ``default_types.json``; the Django side stores them in the
``DocumentType`` model so admins can add and edit types, and hands the pipeline a
:class:`TypeRegistry` built from the database.
"""
from extraction.doctypes.registry import FieldSpec, TypeRegistry, TypeSpec, default_registry

__all__ = ["FieldSpec", "TypeRegistry", "TypeSpec", "default_registry"]
