-- Search (issue 11): trigram indexes need pg_trgm; it is a trusted extension, so the database owner may create it.
-- fastupdate off: a search never has to read a pending list of unsorted entries (PGlite has no autovacuum to merge it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "cards_serial_trgm_idx" ON "cards" USING gin ("serial" gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "cards_serial_prefix_idx" ON "cards" USING btree (lower("serial") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "users_username_trgm_idx" ON "users" USING gin ("username" gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "users_display_name_trgm_idx" ON "users" USING gin ("display_name" gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "users_email_trgm_idx" ON "users" USING gin ("email" gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "users_username_prefix_idx" ON "users" USING btree (lower("username") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "users_display_name_prefix_idx" ON "users" USING btree (lower("display_name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "users_email_prefix_idx" ON "users" USING btree (lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "users_display_name_idx" ON "users" USING btree ("display_name","username");