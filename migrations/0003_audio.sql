CREATE TABLE `clip_leases` (
	`recording_id` integer PRIMARY KEY NOT NULL,
	`verifier_id` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`verifier_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clip_leases_verifier_uq` ON `clip_leases` (`verifier_id`);--> statement-breakpoint
CREATE TABLE `clip_votes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recording_id` integer NOT NULL,
	`verifier_id` integer NOT NULL,
	`vote` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`verifier_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clip_votes_recording_uq` ON `clip_votes` (`recording_id`);--> statement-breakpoint
CREATE TABLE `recording_skips` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`expression_id` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `recording_skips_user_idx` ON `recording_skips` (`user_id`,`at`);--> statement-breakpoint
CREATE TABLE `speaker_profiles` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`nativeness` text,
	`gender` text,
	`age_group` text,
	`microphone` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `recordings` ADD `lossless` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `recordings` ADD `trim_start_ms` integer;--> statement-breakpoint
ALTER TABLE `recordings` ADD `trim_end_ms` integer;--> statement-breakpoint
ALTER TABLE `recordings` ADD `voiced_ms` integer;--> statement-breakpoint
ALTER TABLE `recordings` ADD `acknowledged` text;--> statement-breakpoint
ALTER TABLE `recordings` ADD `asr_status` text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE `recordings` ADD `asr_engine` text;--> statement-breakpoint
ALTER TABLE `recordings` ADD `asr_transcript` text;--> statement-breakpoint
ALTER TABLE `recordings` ADD `asr_wer` real;--> statement-breakpoint
ALTER TABLE `recordings` ADD `failure_cause` text;--> statement-breakpoint
ALTER TABLE `recordings` ADD `decided_at` integer;--> statement-breakpoint
CREATE INDEX `recordings_status_idx` ON `recordings` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `recordings_speaker_idx` ON `recordings` (`speaker_id`);