CREATE TABLE "issuances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"card_id" uuid NOT NULL,
	"operator_id" uuid NOT NULL,
	"operator_name" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"step" text DEFAULT 'authenticate' NOT NULL,
	"key_slot" text,
	"refused_slots" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"host_challenge" text,
	"card_challenge" text,
	"key_confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone DEFAULT now() + interval '15 minutes' NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "pending_algorithm" text;--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "pending_sealed" text;--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "pending_kcv" text;--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "pending_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "issuances_card_idx" ON "issuances" USING btree ("card_id","created_at");