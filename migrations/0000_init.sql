CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `user_roles` (
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`user_id`, `role`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `frames` (
	`video_id` integer NOT NULL,
	`idx` integer NOT NULL,
	`name` text NOT NULL,
	`sha256` text NOT NULL,
	`bytes` integer NOT NULL,
	PRIMARY KEY(`video_id`, `idx`),
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `frames_video_name_uq` ON `frames` (`video_id`,`name`);--> statement-breakpoint
CREATE TABLE `imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`format` text NOT NULL,
	`source` text NOT NULL,
	`actor_id` integer,
	`created_at` integer NOT NULL,
	`stats` text NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `masks` (
	`object_id` integer NOT NULL,
	`frame_idx` integer NOT NULL,
	`counts` text NOT NULL,
	`area` integer NOT NULL,
	`bbox_x` integer NOT NULL,
	`bbox_y` integer NOT NULL,
	`bbox_w` integer NOT NULL,
	`bbox_h` integer NOT NULL,
	PRIMARY KEY(`object_id`, `frame_idx`),
	FOREIGN KEY (`object_id`) REFERENCES `objects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `objects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`video_id` integer NOT NULL,
	`local_id` integer NOT NULL,
	`category` text,
	`source_anno_id` text,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `objects_video_local_uq` ON `objects` (`video_id`,`local_id`);--> statement-breakpoint
CREATE TABLE `videos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`source` text NOT NULL,
	`status` text DEFAULT 'candidate' NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`frame_count` integer NOT NULL,
	`fps` real NOT NULL,
	`content_hash` text NOT NULL,
	`import_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `videos_name_unique` ON `videos` (`name`);--> statement-breakpoint
CREATE INDEX `videos_status_idx` ON `videos` (`status`);--> statement-breakpoint
CREATE TABLE `expression_targets` (
	`expression_id` integer NOT NULL,
	`object_id` integer NOT NULL,
	PRIMARY KEY(`expression_id`, `object_id`),
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`object_id`) REFERENCES `objects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `expressions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`video_id` integer NOT NULL,
	`author_id` integer,
	`text` text NOT NULL,
	`kind` text NOT NULL,
	`motion_reasoning` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`reject_reason` text,
	`origin` text NOT NULL,
	`source_exp_id` text,
	`gold` integer DEFAULT false NOT NULL,
	`acknowledged` text,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `expressions_uid_unique` ON `expressions` (`uid`);--> statement-breakpoint
CREATE INDEX `expressions_status_idx` ON `expressions` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `expressions_video_idx` ON `expressions` (`video_id`);--> statement-breakpoint
CREATE INDEX `expressions_author_idx` ON `expressions` (`author_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `expressions_source_uq` ON `expressions` (`video_id`,`source_exp_id`);--> statement-breakpoint
CREATE TABLE `validations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`expression_id` integer NOT NULL,
	`validator_id` integer NOT NULL,
	`round` integer NOT NULL,
	`answer` text NOT NULL,
	`targets` text,
	`reject_reason` text,
	`reject_note` text,
	`duration_ms` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`validator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `validations_once_uq` ON `validations` (`expression_id`,`validator_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`data` text,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `recordings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`expression_id` integer NOT NULL,
	`speaker_id` integer,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`sha256` text NOT NULL,
	`original_sha256` text,
	`sample_rate` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`words_per_minute` real,
	`provenance` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`speaker_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recordings_uid_unique` ON `recordings` (`uid`);--> statement-breakpoint
CREATE INDEX `recordings_expression_idx` ON `recordings` (`expression_id`);--> statement-breakpoint
CREATE TABLE `releases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version` text NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`seed` integer NOT NULL,
	`params` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_version_unique` ON `releases` (`version`);