ALTER TABLE `validations` ADD `tx_id` integer;--> statement-breakpoint
CREATE INDEX `validations_tx_idx` ON `validations` (`tx_id`);