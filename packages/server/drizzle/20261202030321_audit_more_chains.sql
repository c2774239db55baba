-- 64 audit chains instead of 16. A transaction holds its chain's head row lock until it commits (the
-- commit's WAL flush included), so two concurrent unblocks whose events fall into the same chain
-- queue behind each other: with 16 chains and a pool of 10 connections nearly half of the writes
-- waited (pg_stat_statements: the head's SELECT … FOR UPDATE was the costliest statement of the
-- response path). Existing events stay where they are; chains are independent, and new ones start at
-- position 1.
INSERT INTO audit_chain_heads (chain) SELECT generate_series(16, 63) ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger AS $$
DECLARE
  chosen smallint;
BEGIN
  -- One chain per transaction: a transaction holds at most one head lock, so two cannot deadlock on heads.
  chosen := nullif(current_setting('cardwarden.audit_chain', true), '')::smallint;
  IF chosen IS NULL THEN
    chosen := hashtext(coalesce(NEW.card_id, NEW.user_id, NEW.id)::text) & 63;
    PERFORM set_config('cardwarden.audit_chain', chosen::text, true);
  END IF;
  RETURN audit_event_link(NEW, chosen);
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT;
