from django.db import migrations

from audit.triggers import VendorRunSQL


class Migration(migrations.Migration):
    # TRUNCATE of an empty audit table is allowed from now on, of a non-empty one still
    # refused: Django's test flush truncates every table, and a flush of emptied audit
    # tables must work on PostgreSQL as it does on SQLite. SQL written out, never imported.
    dependencies = [("audit", "0002_auditor_permissions")]

    operations = [
        VendorRunSQL(
            "postgresql",
            [
                "CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$\nDECLARE\n    has_rows boolean;\nBEGIN\n    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', TG_TABLE_NAME) INTO has_rows;\n    IF has_rows THEN\n        RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME USING ERRCODE = '42501';\n    END IF;\n    RETURN NULL;\nEND\n$$;",
                'DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;',
                'CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();',
                'DROP TRIGGER IF EXISTS audit_chainsignature_no_truncate ON audit_chainsignature;',
                'CREATE TRIGGER audit_chainsignature_no_truncate BEFORE TRUNCATE ON audit_chainsignature FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();',
            ],
            [
                'DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;',
                'CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();',
                'DROP TRIGGER IF EXISTS audit_chainsignature_no_truncate ON audit_chainsignature;',
                'CREATE TRIGGER audit_chainsignature_no_truncate BEFORE TRUNCATE ON audit_chainsignature FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();',
                'DROP FUNCTION IF EXISTS audit_refuse_truncate();',
            ],
        ),
    ]
