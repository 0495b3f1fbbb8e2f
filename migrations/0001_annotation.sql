CREATE TABLE `annotation_skips` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`video_id` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `annotation_skips_user_idx` ON `annotation_skips` (`user_id`,`at`);--> statement-breakpoint
ALTER TABLE `objects` ADD `visible_frames` integer;--> statement-breakpoint
ALTER TABLE `objects` ADD `motion_reach` real;--> statement-breakpoint
ALTER TABLE `objects` ADD `motion_shape_iou` real;--> statement-breakpoint
ALTER TABLE `objects` ADD `motion_travel` real;--> statement-breakpoint
ALTER TABLE `objects` ADD `motion_displacement` real;--> statement-breakpoint
ALTER TABLE `objects` ADD `motion_mean_iou` real;--> statement-breakpoint
ALTER TABLE `objects` ADD `motion_area_change` real;--> statement-breakpoint
ALTER TABLE `objects` ADD `moving` integer;