DROP INDEX `expressions_status_video_idx`;--> statement-breakpoint
CREATE INDEX `expressions_origin_author_idx` ON `expressions` (`origin`,`author_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `expressions_status_video_idx` ON `expressions` (`status`,`video_id`,`kind`);