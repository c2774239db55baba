CREATE TABLE "audit_chain_heads" (
	"chain" smallint PRIMARY KEY NOT NULL,
	"last_pos" bigint DEFAULT 0 NOT NULL,
	"last_id" uuid,
	"head_hash" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "chain" smallint DEFAULT -1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "chain_pos" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "prev_hash" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_events_chain_idx" ON "audit_events" USING btree ("chain","chain_pos");--> statement-breakpoint
-- Tamper evidence: every audit event carries the SHA-256 of its canonical content and of the previous
-- event's hash in its chain. 16 independent chains (picked by the event's card, else user, else its own
-- id; one chain per transaction), so concurrent inserts do not queue on one global lock.
INSERT INTO audit_chain_heads (chain) SELECT generate_series(0, 15);
--> statement-breakpoint
-- The canonical content: every field, length-prefixed (octets), NULL as "-". audit-chain.ts builds the
-- same string from the same text renderings to verify the chain independently of this function.
CREATE OR REPLACE FUNCTION audit_event_canonical(e audit_events) RETURNS text AS $$
  SELECT 'cardwarden-audit-v1' || string_agg(
      CASE WHEN f IS NULL THEN '|-' ELSE '|' || octet_length(f) || ':' || f END, '' ORDER BY n)
  FROM unnest(ARRAY[
    e.id::text, e.chain::text, e.chain_pos::text,
    (extract(epoch FROM e.at) * 1000000)::bigint::text,
    e.actor, e.actor_type, e.action, e.card_id::text, e.user_id::text, e.session_id::text, e.ticket,
    e.details::text, e.prev_hash
  ]) WITH ORDINALITY AS t(f, n);
$$ LANGUAGE sql IMMUTABLE;
--> statement-breakpoint
-- Links `e` at the end of chain `chosen`, under that chain's head row lock (held to the end of the transaction).
CREATE OR REPLACE FUNCTION audit_event_link(e audit_events, chosen smallint) RETURNS audit_events AS $$
DECLARE
  head audit_chain_heads%ROWTYPE;
BEGIN
  SELECT * INTO STRICT head FROM audit_chain_heads WHERE chain = chosen FOR UPDATE;
  e.chain := chosen;
  e.chain_pos := head.last_pos + 1;
  e.prev_hash := head.head_hash;
  e.hash := encode(sha256(convert_to(audit_event_canonical(e), 'UTF8')), 'hex');
  UPDATE audit_chain_heads SET last_pos = e.chain_pos, last_id = e.id, head_hash = e.hash WHERE chain = chosen;
  RETURN e;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- SECURITY DEFINER: runs with the owner's rights, so a server role of its own needs no right at all on
-- audit_chain_heads beyond SELECT (see docs/durability.md for the grants).
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger AS $$
DECLARE
  chosen smallint;
BEGIN
  -- One chain per transaction: a transaction holds at most one head lock, so two cannot deadlock on heads.
  chosen := nullif(current_setting('cardwarden.audit_chain', true), '')::smallint;
  IF chosen IS NULL THEN
    chosen := hashtext(coalesce(NEW.card_id, NEW.user_id, NEW.id)::text) & 15;
    PERFORM set_config('cardwarden.audit_chain', chosen::text, true);
  END IF;
  RETURN audit_event_link(NEW, chosen);
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT;
--> statement-breakpoint
-- Whatever values an INSERT gives (a copy of other rows included), the database computes the chain.
CREATE TRIGGER audit_events_chain
  BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
-- Events written before this migration join the chains in their order (the only UPDATE ever allowed).
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete;
--> statement-breakpoint
DO $$
DECLARE
  r audit_events%ROWTYPE;
  linked audit_events%ROWTYPE;
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY seq LOOP
    linked := audit_event_link(r, (hashtext(coalesce(r.card_id, r.user_id, r.id)::text) & 15)::smallint);
    UPDATE audit_events
      SET chain = linked.chain, chain_pos = linked.chain_pos, prev_hash = linked.prev_hash, hash = linked.hash
      WHERE id = r.id;
  END LOOP;
END;
$$;
--> statement-breakpoint
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete;
