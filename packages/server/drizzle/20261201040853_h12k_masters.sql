CREATE TABLE "masters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"profile_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"algorithm" text DEFAULT 'aes256' NOT NULL,
	"sealed" text,
	"hsm_label" text,
	"check_value" text DEFAULT '' NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "masters_version_check" CHECK ("masters"."version" >= 1),
	CONSTRAINT "masters_material_check" CHECK ("masters"."sealed" is not null or "masters"."hsm_label" is not null)
);
--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "master_id" uuid;--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "derivation" text;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "admin_key_source" text DEFAULT 'random' NOT NULL;--> statement-breakpoint
ALTER TABLE "masters" ADD CONSTRAINT "masters_profile_id_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "masters_profile_version_key" ON "masters" USING btree ("profile_id","version");--> statement-breakpoint
ALTER TABLE "admin_keys" ADD CONSTRAINT "admin_keys_master_id_masters_id_fk" FOREIGN KEY ("master_id") REFERENCES "public"."masters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_keys" ADD CONSTRAINT "admin_keys_derivation_check" CHECK (("admin_keys"."derivation" is null) = ("admin_keys"."master_id" is null));