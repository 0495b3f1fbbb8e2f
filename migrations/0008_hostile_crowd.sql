CREATE TABLE `admin_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_id` integer NOT NULL,
	`kind` text NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `login_devices` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `login_devices_user_idx` ON `login_devices` (`user_id`);--> statement-breakpoint
CREATE TABLE `login_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `lease_history` (
	`id` integer PRIMARY KEY NOT NULL,
	`expression_id` integer NOT NULL,
	`validator_id` integer NOT NULL,
	`round` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`validator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lease_history_expression_idx` ON `lease_history` (`expression_id`,`round`,`issued_at`);--> statement-breakpoint
CREATE TABLE `recording_offers` (
	`user_id` integer NOT NULL,
	`expression_id` integer NOT NULL,
	`offered_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `expression_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `lease_history` (`id`, `expression_id`, `validator_id`, `round`, `issued_at`, `expires_at`) SELECT `id`, `expression_id`, `validator_id`, `round`, `issued_at`, `expires_at` FROM `leases`;
