CREATE TABLE `probes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`expression_id` integer NOT NULL,
	`frame_idx` integer NOT NULL,
	`created_at` integer NOT NULL,
	`holder_id` integer,
	`lease_expires_at` integer,
	`answered_by` integer,
	`answer` text,
	`targets` text,
	`matched` integer,
	`duration_ms` integer,
	`answered_at` integer,
	`decision` text,
	`decided_by` integer,
	`decided_at` integer,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`holder_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `probes_expression_uq` ON `probes` (`expression_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `probes_holder_uq` ON `probes` (`holder_id`) WHERE "probes"."holder_id" is not null;--> statement-breakpoint
CREATE INDEX `probes_open_idx` ON `probes` (`created_at`) WHERE "probes"."answered_at" is null;--> statement-breakpoint
CREATE TABLE `rater_exclusions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`actor_id` integer,
	`note` text DEFAULT '' NOT NULL,
	`voided_answers` integer NOT NULL,
	`reopened_samples` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rater_exclusions_user_idx` ON `rater_exclusions` (`user_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `videos` ADD `source_split` text;--> statement-breakpoint
ALTER TABLE `validations` ADD `voided_at` integer;