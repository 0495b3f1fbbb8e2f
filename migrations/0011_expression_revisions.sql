ALTER TABLE `expressions` ADD `revision_of` integer REFERENCES expressions(id);--> statement-breakpoint
ALTER TABLE `expressions` ADD `motion_start_frame` integer;--> statement-breakpoint
ALTER TABLE `expressions` ADD `motion_end_frame` integer;