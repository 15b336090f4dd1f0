CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`scope` text NOT NULL,
	`role` text NOT NULL,
	`last_used_at` text,
	`expires_at` text,
	`revoked_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_org` ON `api_tokens` (`org_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`org_id` text,
	`actor_id` text,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`data` text DEFAULT '{}' NOT NULL,
	`ip` text,
	`at` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_org_seq` ON `audit_log` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_entity` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `auth_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`mfa_pending` integer DEFAULT 0 NOT NULL,
	`ip` text,
	`user_agent` text,
	`created_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `auth_sessions_token` ON `auth_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `auth_sessions_user` ON `auth_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`module_roles` text DEFAULT '[]' NOT NULL,
	`token_hash` text NOT NULL,
	`invited_by` text NOT NULL,
	`expires_at` text NOT NULL,
	`accepted_at` text,
	`revoked_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invitations_org` ON `invitations` (`org_id`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`name` text PRIMARY KEY NOT NULL,
	`last_run_at` text,
	`last_status` text,
	`last_error` text
);
--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`sent_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mail_outbox_due` ON `mail_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`module_roles` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `memberships_org_user` ON `memberships` (`org_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `memberships_user` ON `memberships` (`user_id`);--> statement-breakpoint
CREATE TABLE `notification_prefs` (
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`in_app` integer DEFAULT 1 NOT NULL,
	`email` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_prefs_pk` ON `notification_prefs` (`user_id`,`kind`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`link` text,
	`read_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notifications_user` ON `notifications` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`siret` text,
	`address` text,
	`logo` text,
	`modules` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `password_resets` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `password_resets_token` ON `password_resets` (`token_hash`);--> statement-breakpoint
CREATE TABLE `settings` (
	`org_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `settings_pk` ON `settings` (`org_id`,`key`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`totp_secret` text,
	`totp_pending_secret` text,
	`recovery_codes` text DEFAULT '[]' NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`locale` text DEFAULT 'fr' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `epn_closures` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`room_id` text,
	`from_day` text NOT NULL,
	`to_day` text NOT NULL,
	`label` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_closures_org` ON `epn_closures` (`org_id`,`from_day`);--> statement-breakpoint
CREATE TABLE `epn_code_failures` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`ip` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_cf_ws` ON `epn_code_failures` (`workstation_id`,`at`);--> statement-breakpoint
CREATE INDEX `epn_cf_ip` ON `epn_code_failures` (`ip`,`at`);--> statement-breakpoint
CREATE TABLE `epn_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`code` text NOT NULL,
	`patron_id` text,
	`batch_id` text,
	`label` text,
	`valid_from` text NOT NULL,
	`valid_until` text NOT NULL,
	`allowance_minutes` integer,
	`used_seconds` integer DEFAULT 0 NOT NULL,
	`multi_use` integer DEFAULT 0 NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`revoked_at` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `epn_codes_code` ON `epn_codes` (`org_id`,`code`);--> statement-breakpoint
CREATE INDEX `epn_codes_patron` ON `epn_codes` (`org_id`,`patron_id`);--> statement-breakpoint
CREATE INDEX `epn_codes_batch` ON `epn_codes` (`org_id`,`batch_id`);--> statement-breakpoint
CREATE TABLE `epn_commands` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`session_id` text,
	`type` text NOT NULL,
	`payload` text DEFAULT '{}' NOT NULL,
	`status` text NOT NULL,
	`created_by` text NOT NULL,
	`delivered_at` text,
	`acked_at` text,
	`result` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_cmd_ws` ON `epn_commands` (`workstation_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `epn_cmd_org` ON `epn_commands` (`org_id`,`status`);--> statement-breakpoint
CREATE TABLE `epn_connection_log` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`session_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`workstation_name` text NOT NULL,
	`user_label` text NOT NULL,
	`code_hint` text NOT NULL,
	`ip` text,
	`mac` text,
	`started_at` text NOT NULL,
	`ended_at` text
);
--> statement-breakpoint
CREATE INDEX `epn_cl_org` ON `epn_connection_log` (`org_id`,`started_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `epn_cl_session` ON `epn_connection_log` (`session_id`);--> statement-breakpoint
CREATE TABLE `epn_consents` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`patron_id` text NOT NULL,
	`kind` text NOT NULL,
	`version` integer NOT NULL,
	`at` text NOT NULL,
	`staff_id` text,
	`staff_label` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_consents_patron` ON `epn_consents` (`org_id`,`patron_id`);--> statement-breakpoint
CREATE TABLE `epn_patrons` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`birth_year` integer,
	`age_band` text,
	`commune` text,
	`category` text NOT NULL,
	`sex` text,
	`email` text,
	`phone` text,
	`notes` text,
	`consent_version` integer,
	`consent_at` text,
	`consent_by` text,
	`reglement_version` integer,
	`reglement_at` text,
	`registered_on` text NOT NULL,
	`last_activity_at` text NOT NULL,
	`erased_at` text,
	`erased_how` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_patrons_org` ON `epn_patrons` (`org_id`,`last_name`);--> statement-breakpoint
CREATE INDEX `epn_patrons_activity` ON `epn_patrons` (`org_id`,`last_activity_at`);--> statement-breakpoint
CREATE TABLE `epn_reservations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`patron_id` text,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_res_ws` ON `epn_reservations` (`workstation_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `epn_res_org` ON `epn_reservations` (`org_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `epn_res_patron` ON `epn_reservations` (`org_id`,`patron_id`);--> statement-breakpoint
CREATE TABLE `epn_rooms` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`hours` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_rooms_org` ON `epn_rooms` (`org_id`);--> statement-breakpoint
CREATE TABLE `epn_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`room_id` text NOT NULL,
	`code_id` text NOT NULL,
	`patron_id` text,
	`holder` text NOT NULL,
	`started_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`ended_at` text,
	`end_reason` text,
	`used_seconds` integer,
	`limited_by` text NOT NULL,
	`extended_seconds` integer DEFAULT 0 NOT NULL,
	`last_activity_at` text NOT NULL,
	`local_day` text NOT NULL,
	`guest` integer DEFAULT 0 NOT NULL,
	`age_band` text,
	`commune` text,
	`category` text,
	`sex` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_sessions_ws_open` ON `epn_sessions` (`workstation_id`,`ended_at`) WHERE "epn_sessions"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX `epn_sessions_holder_open` ON `epn_sessions` (`holder`,`ended_at`) WHERE "epn_sessions"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX `epn_sessions_org_open` ON `epn_sessions` (`org_id`,`ended_at`,`ends_at`) WHERE "epn_sessions"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX `epn_sessions_holder` ON `epn_sessions` (`org_id`,`holder`,`local_day`);--> statement-breakpoint
CREATE INDEX `epn_sessions_day` ON `epn_sessions` (`org_id`,`local_day`);--> statement-breakpoint
CREATE TABLE `epn_texts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`version` integer NOT NULL,
	`body` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `epn_texts_version` ON `epn_texts` (`org_id`,`kind`,`version`);--> statement-breakpoint
CREATE TABLE `epn_workstations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`room_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text,
	`maintenance` integer DEFAULT 0 NOT NULL,
	`locked` integer DEFAULT 0 NOT NULL,
	`last_seen_at` text,
	`online` integer DEFAULT 0 NOT NULL,
	`ip` text,
	`mac` text,
	`agent_version` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `epn_ws_org` ON `epn_workstations` (`org_id`,`room_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `epn_ws_token` ON `epn_workstations` (`token_hash`);--> statement-breakpoint
CREATE TABLE `dns_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`is_default` integer DEFAULT 0 NOT NULL,
	`clients` text DEFAULT '[]' NOT NULL,
	`epn_session` text,
	`list_ids` text DEFAULT '[]' NOT NULL,
	`safe_search` integer DEFAULT 0 NOT NULL,
	`schedule` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dns_groups_org` ON `dns_groups` (`org_id`,`position`);--> statement-breakpoint
CREATE TABLE `dns_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`mode` text NOT NULL,
	`url` text,
	`content` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT 1 NOT NULL,
	`refresh_hours` integer DEFAULT 24 NOT NULL,
	`rule_count` integer DEFAULT 0 NOT NULL,
	`ignored_count` integer DEFAULT 0 NOT NULL,
	`invalid_count` integer DEFAULT 0 NOT NULL,
	`sha256` text,
	`last_refresh_at` text,
	`last_success_at` text,
	`last_error` text,
	`problems` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dns_lists_org` ON `dns_lists` (`org_id`);--> statement-breakpoint
CREATE TABLE `dns_query_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`at` text NOT NULL,
	`client` text,
	`name` text,
	`qtype` text NOT NULL,
	`status` text NOT NULL,
	`group_id` text,
	`list_id` text,
	`reason` text,
	`upstream` text,
	`rcode` text NOT NULL,
	`ms` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dns_query_log_org_at` ON `dns_query_log` (`org_id`,`at`);--> statement-breakpoint
CREATE TABLE `dns_records` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`value` text NOT NULL,
	`ttl` integer DEFAULT 300 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dns_records_org` ON `dns_records` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `dns_stats` (
	`org_id` text NOT NULL,
	`bucket` text NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`blocked` integer DEFAULT 0 NOT NULL,
	`cached` integer DEFAULT 0 NOT NULL,
	`forwarded` integer DEFAULT 0 NOT NULL,
	`local` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`org_id`, `bucket`)
);
--> statement-breakpoint
CREATE TABLE `dns_stats_top` (
	`org_id` text NOT NULL,
	`hour` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dns_stats_top_pk` ON `dns_stats_top` (`org_id`,`hour`,`kind`,`key`);--> statement-breakpoint
CREATE TABLE `dns_upstreams` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`address` text NOT NULL,
	`method` text DEFAULT 'POST' NOT NULL,
	`position` integer NOT NULL,
	`enabled` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dns_upstreams_org` ON `dns_upstreams` (`org_id`,`position`);--> statement-breakpoint
CREATE TABLE `mqtt_enrolment_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`label` text NOT NULL,
	`room_id` text NOT NULL,
	`max_uses` integer DEFAULT 1 NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mqtt_enrol_token` ON `mqtt_enrolment_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `mqtt_enrol_org` ON `mqtt_enrolment_tokens` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `workstation_inventories` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`content` text NOT NULL,
	`collected_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ws_inv_ws` ON `workstation_inventories` (`org_id`,`workstation_id`);--> statement-breakpoint
CREATE TABLE `workstation_inventory_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`at` text NOT NULL,
	`changes` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ws_inv_changes` ON `workstation_inventory_changes` (`org_id`,`workstation_id`,`at`);--> statement-breakpoint
CREATE TABLE `netboot_candidates` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`mac` text NOT NULL,
	`arch` integer,
	`uuid` text,
	`vendor_class` text,
	`ipxe` integer DEFAULT 0 NOT NULL,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`seen_count` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `netboot_candidates_org_mac` ON `netboot_candidates` (`org_id`,`mac`);--> statement-breakpoint
CREATE INDEX `netboot_candidates_seen` ON `netboot_candidates` (`org_id`,`last_seen_at`);--> statement-breakpoint
CREATE TABLE `netboot_defaults` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`group_name` text NOT NULL,
	`image_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`image_id`) REFERENCES `netboot_images`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `netboot_defaults_org_group` ON `netboot_defaults` (`org_id`,`group_name`);--> statement-breakpoint
CREATE TABLE `netboot_hosts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`mac` text NOT NULL,
	`name` text NOT NULL,
	`group_name` text,
	`image_id` text,
	`menu` integer DEFAULT 0 NOT NULL,
	`last_boot_at` text,
	`last_arch` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`image_id`) REFERENCES `netboot_images`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `netboot_hosts_mac` ON `netboot_hosts` (`mac`);--> statement-breakpoint
CREATE INDEX `netboot_hosts_org` ON `netboot_hosts` (`org_id`);--> statement-breakpoint
CREATE TABLE `netboot_images` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`version` text NOT NULL,
	`cmdline` text DEFAULT '' NOT NULL,
	`kernel_size` integer,
	`kernel_sha256` text,
	`initrd_size` integer,
	`initrd_sha256` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `netboot_images_org_name_version` ON `netboot_images` (`org_id`,`name`,`version`);