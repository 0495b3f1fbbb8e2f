CREATE TABLE `release_expressions` (
	`release_id` integer NOT NULL,
	`expression_id` integer NOT NULL,
	`video_id` integer NOT NULL,
	`exp_id` text NOT NULL,
	`recording_id` integer,
	PRIMARY KEY(`release_id`, `expression_id`),
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`expression_id`) REFERENCES `expressions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `release_expressions_video_idx` ON `release_expressions` (`release_id`,`video_id`);--> statement-breakpoint
CREATE TABLE `release_videos` (
	`release_id` integer NOT NULL,
	`video_id` integer NOT NULL,
	`split` text NOT NULL,
	PRIMARY KEY(`release_id`, `video_id`),
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `video_splits` (
	`video_id` integer PRIMARY KEY NOT NULL,
	`split` text NOT NULL,
	`release_id` integer NOT NULL,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
