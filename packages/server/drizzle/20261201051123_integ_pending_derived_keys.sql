ALTER TABLE "admin_keys" ADD COLUMN "pending_master_id" uuid;--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "pending_derivation" text;--> statement-breakpoint
ALTER TABLE "admin_keys" ADD CONSTRAINT "admin_keys_pending_master_id_masters_id_fk" FOREIGN KEY ("pending_master_id") REFERENCES "public"."masters"("id") ON DELETE no action ON UPDATE no action;