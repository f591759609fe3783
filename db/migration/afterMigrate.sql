-- Runs after every migration (Flyway callback), as the schema owner. Gives the application role (placeholder
-- appRole; empty = single-role deployment, nothing to do) what it needs on every table any migration created, and
-- no more on the audit trail: INSERT and SELECT only, so that the application's credentials can neither change nor
-- remove an audit event nor disable the append-only triggers (that needs ownership).
DO $$
DECLARE
    app text := '${appRole}';
BEGIN
    IF app = '' OR NOT EXISTS (SELECT FROM pg_roles WHERE rolname = app) THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), app);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), app);
    -- nextval needs USAGE only; UPDATE would allow setval, with which the app role could wind audit_event's
    -- sequence back and make every later audited action fail on a duplicate key (taken back from older grants)
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), app);
    EXECUTE format('REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA %I FROM %I', current_schema(), app);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event FROM %I', app);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON flyway_schema_history FROM %I', app);
END
$$;
