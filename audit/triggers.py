"""Database triggers that make the audit tables append-only, per database vendor.

They stop the application (and anyone using its connection casually) from
changing history. They do not stop a database owner, who can drop them: that
case is what the hash chain and the signed heads are for.
"""
from django.db import migrations

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_chainsignature")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
END
$$;
"""

# TRUNCATE of a non-empty table is refused; of an empty one allowed, because Django's
# test flush truncates every table at once (audit.testing empties these first), the
# same behaviour SQLite's per-row DELETE trigger has.
_PG_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    has_rows boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', TG_TABLE_NAME) INTO has_rows;
    IF has_rows THEN
        RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME USING ERRCODE = '42501';
    END IF;
    RETURN NULL;
END
$$;
"""


def postgresql_create(table):
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();",
    ]


def postgresql_drop(table):
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"]


def sqlite_create(table):
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;",
    ]


def sqlite_drop(table):
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


CREATE = {"postgresql": postgresql_create, "sqlite": sqlite_create}
DROP = {"postgresql": postgresql_drop, "sqlite": sqlite_drop}


def create_statements(vendor):
    statements = [_PG_FUNCTION.strip(), _PG_TRUNCATE_FUNCTION.strip()] if vendor == "postgresql" else []
    for table in APPEND_ONLY_TABLES:
        statements += CREATE[vendor](table)
    return statements


def drop_statements(vendor):
    return [statement for table in APPEND_ONLY_TABLES for statement in DROP[vendor](table)]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that only runs on one database vendor (the SQL dialects differ)."""

    def __init__(self, vendor, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

