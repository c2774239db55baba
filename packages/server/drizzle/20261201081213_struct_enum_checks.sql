ALTER TABLE "admin_keys" ADD CONSTRAINT "admin_keys_algorithm_check" CHECK ("admin_keys"."algorithm" in ('3des', 'aes128', 'aes192', 'aes256'));--> statement-breakpoint
ALTER TABLE "admin_keys" ADD CONSTRAINT "admin_keys_pending_algorithm_check" CHECK ("admin_keys"."pending_algorithm" in ('3des', 'aes128', 'aes192', 'aes256'));--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_type_check" CHECK ("audit_events"."actor_type" in ('operator', 'cardholder', 'system', 'anonymous'));--> statement-breakpoint
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_subject_type_check" CHECK ("auth_tokens"."subject_type" in ('operator', 'cardholder'));--> statement-breakpoint
ALTER TABLE "auth_tokens" ADD CONSTRAINT "auth_tokens_scope_check" CHECK ("auth_tokens"."scope" in ('full', 'second_factor'));--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_type_check" CHECK ("cards"."type" in ('minidriver', 'gids', 'piv'));--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_state_check" CHECK ("cards"."state" in ('active', 'suspended', 'revoked'));--> statement-breakpoint
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_state_check" CHECK ("issuances"."state" in ('open', 'completed', 'failed', 'abandoned'));--> statement-breakpoint
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_step_check" CHECK ("issuances"."step" in ('authenticate', 'write-key', 'finish', 'done'));--> statement-breakpoint
ALTER TABLE "issuances" ADD CONSTRAINT "issuances_key_slot_check" CHECK ("issuances"."key_slot" in ('current', 'pending'));--> statement-breakpoint
ALTER TABLE "masters" ADD CONSTRAINT "masters_algorithm_check" CHECK ("masters"."algorithm" in ('aes128', 'aes192', 'aes256'));--> statement-breakpoint
ALTER TABLE "masters" ADD CONSTRAINT "masters_state_check" CHECK ("masters"."state" in ('active', 'retired'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_status_check" CHECK ("notifications"."status" in ('pending', 'sent', 'failed'));--> statement-breakpoint
ALTER TABLE "offline_unblocks" ADD CONSTRAINT "offline_unblocks_started_by_type_check" CHECK ("offline_unblocks"."started_by_type" in ('operator', 'cardholder'));--> statement-breakpoint
ALTER TABLE "offline_unblocks" ADD CONSTRAINT "offline_unblocks_state_check" CHECK ("offline_unblocks"."state" in ('open', 'unblocked', 'failed', 'cancelled'));--> statement-breakpoint
ALTER TABLE "online_unlocks" ADD CONSTRAINT "online_unlocks_state_check" CHECK ("online_unlocks"."state" in ('open', 'responded', 'unblocked', 'failed'));--> statement-breakpoint
ALTER TABLE "operators" ADD CONSTRAINT "operators_role_check" CHECK ("operators"."role" in ('admin', 'supervisor', 'operator', 'auditor', 'issuer'));--> statement-breakpoint
ALTER TABLE "operators" ADD CONSTRAINT "operators_state_check" CHECK ("operators"."state" in ('active', 'disabled'));--> statement-breakpoint
ALTER TABLE "profiles" ADD CONSTRAINT "profiles_admin_key_source_check" CHECK ("profiles"."admin_key_source" in ('random', 'derived'));