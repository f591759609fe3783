-- The append-only, hash-chained audit log. Each row's hash is SHA-256 over a canonical serialisation of its
-- fields and the previous row's hash (see audit.AuditHashing), so any later change breaks the chain.
CREATE TABLE audit_event (
    id             BIGSERIAL PRIMARY KEY,
    occurred_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    actor          VARCHAR(100) NOT NULL,
    action         VARCHAR(100) NOT NULL,
    target_type    VARCHAR(100),
    target_id      VARCHAR(200),
    case_id        BIGINT,
    details        JSONB        NOT NULL DEFAULT '{}'::jsonb,
    client_address VARCHAR(100),
    prev_hash      CHAR(64)     NOT NULL,
    hash           CHAR(64)     NOT NULL UNIQUE
);

CREATE INDEX audit_event_occurred_at_idx ON audit_event (occurred_at);
CREATE INDEX audit_event_actor_idx ON audit_event (actor);
CREATE INDEX audit_event_action_idx ON audit_event (action);
CREATE INDEX audit_event_target_idx ON audit_event (target_type, target_id);
CREATE INDEX audit_event_case_idx ON audit_event (case_id) WHERE case_id IS NOT NULL;

CREATE FUNCTION audit_event_reject_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER audit_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_reject_change();

CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_reject_change();
