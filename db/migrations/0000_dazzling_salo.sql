CREATE TABLE `commands` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`command` text NOT NULL,
	`cwd` text NOT NULL,
	`agent` text,
	`status` text NOT NULL,
	`exit_code` integer,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`duration_ms` integer,
	`start_offset` integer NOT NULL,
	`end_offset` integer,
	`raw_bytes` integer DEFAULT 0 NOT NULL,
	`output_z` blob,
	`completion_method` text,
	`completion_confidence` text,
	`tool` text,
	`tokens_raw` integer,
	`tokens_compacted` integer
);
--> statement-breakpoint
CREATE INDEX `commands_session_idx` ON `commands` (`session_id`,`id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`shell` text NOT NULL,
	`cwd` text NOT NULL,
	`env` text DEFAULT '{}' NOT NULL,
	`cols` integer NOT NULL,
	`rows` integer NOT NULL,
	`pid` integer,
	`status` text NOT NULL,
	`owner_agent` text,
	`role` text,
	`shared` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	`exit_code` integer
);
--> statement-breakpoint
CREATE INDEX `sessions_name_idx` ON `sessions` (`name`);