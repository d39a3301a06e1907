CREATE TABLE `audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` integer NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_name` text NOT NULL,
	`agent` text,
	`action` text NOT NULL,
	`target` text,
	`outcome` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_time_idx` ON `audit` (`time`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`reason` text NOT NULL,
	`format_version` integer NOT NULL,
	`data` blob NOT NULL,
	`bytes` integer NOT NULL,
	`retired_at` integer
);
--> statement-breakpoint
CREATE INDEX `snapshots_name_idx` ON `snapshots` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `snapshots_session_idx` ON `snapshots` (`session_id`,`id`);