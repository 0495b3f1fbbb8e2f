CREATE TABLE `video_curation` (
	`video_id` integer PRIMARY KEY NOT NULL,
	`object_count` integer NOT NULL,
	`moving_count` integer NOT NULL,
	`lookalike_pairs` integer NOT NULL,
	`lookalike_detail` text NOT NULL,
	`duration_sec` real NOT NULL,
	`scorer` integer NOT NULL,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`video_id`) REFERENCES `videos`(`id`) ON UPDATE no action ON DELETE cascade
);
