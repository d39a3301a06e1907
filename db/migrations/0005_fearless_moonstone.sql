DROP INDEX `bus_messages_id_unique`;--> statement-breakpoint
DROP INDEX `bus_messages_to_idx`;--> statement-breakpoint
DROP INDEX `bus_messages_topic_idx`;--> statement-breakpoint
CREATE INDEX `bus_messages_to_idx` ON `bus_messages` (`to_agent`,`seq`) WHERE "bus_messages"."to_agent" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `bus_messages_topic_idx` ON `bus_messages` (`topic`,`seq`) WHERE "bus_messages"."topic" IS NOT NULL;