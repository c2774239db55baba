ALTER TABLE "operators" ADD COLUMN "source" text DEFAULT 'local' NOT NULL;--> statement-breakpoint
ALTER TABLE "operators" ADD COLUMN "directory_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "source" text DEFAULT 'local' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "directory_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "suspended_by_directory" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "operators_directory_id_key" ON "operators" USING btree ("directory_id") WHERE "operators"."directory_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "users_directory_id_key" ON "users" USING btree ("directory_id") WHERE "users"."directory_id" is not null;--> statement-breakpoint
ALTER TABLE "operators" ADD CONSTRAINT "operators_source_check" CHECK ("operators"."source" in ('local', 'directory'));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_source_check" CHECK ("users"."source" in ('local', 'directory'));