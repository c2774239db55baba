ALTER TABLE "operators" ADD COLUMN "sso_subject" text;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "require_sso_step_up" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "operators_sso_subject_key" ON "operators" USING btree ("sso_subject") WHERE "operators"."sso_subject" is not null;