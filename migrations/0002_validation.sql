CREATE TABLE `leases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`expression_id` integer NOT NULL,
	`validator_id` integer NOT NULL,
	`round` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`validator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leases_validator_uq` ON `leases` (`validator_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `leases_sample_uq` ON `leases` (`expression_id`) WHERE "leases"."round" > 0;--> statement-breakpoint
CREATE INDEX `leases_expires_idx` ON `leases` (`expires_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
DROP INDEX `expressions_author_idx`;--> statement-breakpoint
CREATE INDEX `expressions_author_video_idx` ON `expressions` (`author_id`,`video_id`);--> statement-breakpoint
ALTER TABLE `validations` ADD `agrees` integer DEFAULT false NOT NULL;