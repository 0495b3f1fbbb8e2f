CREATE TABLE `mask_flags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`object_id` integer NOT NULL,
	`video_id` integer NOT NULL,
	`reporter_id` integer NOT NULL,
	`expression_id` integer,
	`note` text NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` integer,
	`resolution` text,
	FOREIGN KEY (`object_id`) REFERENCES `objects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reporter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`resolved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mask_flags_object_reporter_uq` ON `mask_flags` (`object_id`,`reporter_id`);--> statement-breakpoint
CREATE INDEX `mask_flags_open_idx` ON `mask_flags` (`created_at`) WHERE "mask_flags"."resolved_at" is null;--> statement-breakpoint
CREATE TABLE `work_batch_videos` (
	`batch_id` integer NOT NULL,
	`video_id` integer NOT NULL,
	`released_at` integer,
	PRIMARY KEY(`batch_id`, `video_id`),
	FOREIGN KEY (`batch_id`) REFERENCES `work_batches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `work_batch_videos_open_uq` ON `work_batch_videos` (`video_id`) WHERE "work_batch_videos"."released_at" is null;--> statement-breakpoint
CREATE TABLE `work_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`annotator_id` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`annotator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `work_batches_annotator_idx` ON `work_batches` (`annotator_id`,`closed_at`);--> statement-breakpoint
ALTER TABLE `objects` ADD `excluded_at` integer;--> statement-breakpoint
ALTER TABLE `objects` ADD `excluded_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `objects` ADD `exclusion_note` text;--> statement-breakpoint
ALTER TABLE `objects` ADD `merged_into_id` integer;--> statement-breakpoint
ALTER TABLE `video_curation` ADD `sparse_objects` integer DEFAULT 0 NOT NULL;