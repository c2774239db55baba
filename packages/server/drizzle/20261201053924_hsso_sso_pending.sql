CREATE TABLE "sso_pending" (
	"kind" text NOT NULL,
	"lookup" text NOT NULL,
	"payload" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sso_pending_kind_lookup_pk" PRIMARY KEY("kind","lookup")
);
--> statement-breakpoint
CREATE INDEX "sso_pending_expires_at_idx" ON "sso_pending" USING btree ("expires_at");