DROP INDEX `recordings_expression_idx`;--> statement-breakpoint
DROP INDEX `recordings_speaker_idx`;--> statement-breakpoint
CREATE INDEX `recordings_expression_idx` ON `recordings` (`expression_id`,`status`);--> statement-breakpoint
CREATE INDEX `recordings_speaker_idx` ON `recordings` (`speaker_id`,`kind`,`status`,`duration_ms`,`created_at`);--> statement-breakpoint
CREATE INDEX `expressions_gold_idx` ON `expressions` (`gold`,`status`);--> statement-breakpoint
CREATE INDEX `expressions_status_video_idx` ON `expressions` (`status`,`video_id`);--> statement-breakpoint
CREATE INDEX `validations_validator_idx` ON `validations` (`validator_id`,`round`,`agrees`,`answer`,`duration_ms`,`created_at`,`expression_id`);