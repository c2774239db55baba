-- Search (issue 11): the trigram indexes move to the search key (db/search-key.ts: lower case, punctuation
-- turned into letters), so that a term next to punctuation (`Ez.`, `100%`) asks for selective trigrams.
DROP INDEX "cards_serial_trgm_idx";--> statement-breakpoint
DROP INDEX "users_username_trgm_idx";--> statement-breakpoint
DROP INDEX "users_display_name_trgm_idx";--> statement-breakpoint
DROP INDEX "users_email_trgm_idx";--> statement-breakpoint
CREATE INDEX "cards_serial_search_idx" ON "cards" USING gin (translate(lower("serial"), ' .@-_%\!"#$&''()*+,/:<=>?[]^`{|}~', 'qxjkvzzqqqqqqqqqqqqqqqqqqqqqqqqq') gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "users_username_search_idx" ON "users" USING gin (translate(lower("username"), ' .@-_%\!"#$&''()*+,/:<=>?[]^`{|}~', 'qxjkvzzqqqqqqqqqqqqqqqqqqqqqqqqq') gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "users_display_name_search_idx" ON "users" USING gin (translate(lower("display_name"), ' .@-_%\!"#$&''()*+,/:<=>?[]^`{|}~', 'qxjkvzzqqqqqqqqqqqqqqqqqqqqqqqqq') gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "users_email_search_idx" ON "users" USING gin (translate(lower("email"), ' .@-_%\!"#$&''()*+,/:<=>?[]^`{|}~', 'qxjkvzzqqqqqqqqqqqqqqqqqqqqqqqqq') gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
-- Statistics of the new index expressions, which the planner needs to tell a common term from a rare one.
ANALYZE "users";--> statement-breakpoint
ANALYZE "cards";
