CREATE TABLE `challenge_members` (
	`challenge_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`team_id` integer NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`challenge_id`, `user_id`),
	FOREIGN KEY (`challenge_id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`team_id`) REFERENCES `challenge_teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `challenge_members_team_idx` ON `challenge_members` (`team_id`);--> statement-breakpoint
CREATE TABLE `challenge_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`challenge_id` integer NOT NULL,
	`team_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`phase` text NOT NULL,
	`state` text NOT NULL,
	`file_name` text NOT NULL,
	`file` text NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	`check_report` text,
	`report` text,
	`error` text,
	`j` real,
	`f` real,
	`jf` real,
	`n_acc` real,
	`t_acc` real,
	`combined` real,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`team_id`) REFERENCES `challenge_teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `challenge_submissions_team_idx` ON `challenge_submissions` (`challenge_id`,`team_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `challenge_submissions_state_idx` ON `challenge_submissions` (`challenge_id`,`phase`,`state`);--> statement-breakpoint
CREATE TABLE `challenge_teams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`challenge_id` integer NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`join_code` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenges`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `challenge_teams_name_uq` ON `challenge_teams` (`challenge_id`,`name_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `challenge_teams_join_code_uq` ON `challenge_teams` (`join_code`);--> statement-breakpoint
CREATE TABLE `challenges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`release_id` integer NOT NULL,
	`split` text NOT NULL,
	`phases` text NOT NULL,
	`max_per_day` integer NOT NULL,
	`max_total` integer NOT NULL,
	`max_upload_bytes` integer NOT NULL,
	`leaderboard_public` integer DEFAULT false NOT NULL,
	`rank_by` text NOT NULL,
	`pick` text NOT NULL,
	`combined` text NOT NULL,
	`invite_code` text,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `challenges_invite_code_uq` ON `challenges` (`invite_code`);