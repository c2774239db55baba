CREATE TABLE "admin_key_responses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"card_id" uuid NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_throttles" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"blocked_until" timestamp with time zone,
	"last_failure_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "confirmed_unblock_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "online_unlocks" ADD COLUMN "host_challenge" text;--> statement-breakpoint
ALTER TABLE "online_unlocks" ADD COLUMN "card_challenge" text;--> statement-breakpoint
ALTER TABLE "online_unlocks" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "online_failed_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "online_locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "online_lock_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "online_question_ids" jsonb;--> statement-breakpoint
ALTER TABLE "admin_key_responses" ADD CONSTRAINT "admin_key_responses_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_key_responses_card_idx" ON "admin_key_responses" USING btree ("card_id","issued_at");