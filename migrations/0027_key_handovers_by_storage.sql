-- Estate keys are stored like any declared resource; their hand-over history is kept by storage
-- itself, in the transaction of each change: a key created with a holder starts its history,
-- and every change of holder or of the hand-over times adds an entry (recorded at the time of
-- the change). A change of label or quantity alone is not a hand-over.
CREATE FUNCTION record_key_handover() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.holder_kind IS NULL THEN
            RETURN NULL;
        END IF;
    ELSIF NEW.holder_kind IS NOT DISTINCT FROM OLD.holder_kind
        AND NEW.holder_id IS NOT DISTINCT FROM OLD.holder_id
        AND NEW.handed_over_at IS NOT DISTINCT FROM OLD.handed_over_at
        AND NEW.returned_at IS NOT DISTINCT FROM OLD.returned_at THEN
        RETURN NULL;
    END IF;
    INSERT INTO key_handovers (tenant_id, id, key_id, holder_kind, holder_id, handed_over_at,
                               returned_at, recorded_at)
    VALUES (NEW.tenant_id, gen_random_uuid(), NEW.id, NEW.holder_kind, NEW.holder_id,
            NEW.handed_over_at, NEW.returned_at,
            CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.updated_at END);
    RETURN NULL;
END
$$;

CREATE TRIGGER estate_keys_handover
    AFTER INSERT OR UPDATE ON estate_keys
    FOR EACH ROW EXECUTE FUNCTION record_key_handover();
