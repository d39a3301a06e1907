CREATE TABLE `agents` (
	`name` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`capabilities` text DEFAULT '[]' NOT NULL,
	`topics` text DEFAULT '[]' NOT NULL,
	`workspace` text,
	`session` text,
	`delivery` text DEFAULT 'idle' NOT NULL,
	`registered_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `bus_inbox` (
	`agent` text NOT NULL,
	`seq` integer NOT NULL,
	`message_id` text NOT NULL,
	PRIMARY KEY(`agent`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `bus_messages` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`sender` text NOT NULL,
	`to_agent` text,
	`topic` text,
	`broadcast` integer DEFAULT false NOT NULL,
	`correlation_id` text,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bus_messages_id_unique` ON `bus_messages` (`id`);--> statement-breakpoint
CREATE INDEX `bus_messages_to_idx` ON `bus_messages` (`to_agent`,`seq`);--> statement-breakpoint
CREATE INDEX `bus_messages_topic_idx` ON `bus_messages` (`topic`,`seq`);--> statement-breakpoint
CREATE TABLE `knowledge` (
	`key` text NOT NULL,
	`version` integer NOT NULL,
	`value` text,
	`deleted` integer DEFAULT false NOT NULL,
	`scope` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`key`, `version`)
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`role` text,
	`capability` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`depends_on` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`assignee` text,
	`lease_ms` integer NOT NULL,
	`lease_expires_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`progress` integer,
	`progress_note` text,
	`result` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tasks_status_idx` ON `tasks` (`status`,`priority`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agent` text,
	`session` text,
	`what` text NOT NULL,
	`options` text DEFAULT '[]' NOT NULL,
	`choice` text NOT NULL,
	`reasoning` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `decisions_session_idx` ON `decisions` (`session`,`id`);