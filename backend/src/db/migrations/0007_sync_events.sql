-- Live sync (decision 030): every change to a user's tasks, and the deletion of the user, is written
-- to "sync_event" by triggers, in the transaction that makes the change, whoever makes it (any
-- route, any instance, an operator's SQL); a rolled-back write leaves nothing. Each user has one
-- sequence of positions shared by every instance: "sync_position" holds the newest, and taking the
-- next one locks that row until the transaction ends, so a transaction that takes a later position
-- commits after every one that took an earlier one (commit order is position order). A position is
-- an instant (microseconds by the database's clock, at least one more than before), like the task
-- list version (decision 025): after a restore, new positions are later than every id handed out
-- before it, so an id from before the restore is unknown, never mistaken for a later event.
-- NOTIFY carries only the user's id (the data may be far over its 8000 bytes); it is delivered at
-- commit, and identical payloads of one transaction fold into one.
CREATE TABLE "sync_event" (
	"user_id" text NOT NULL,
	"position" bigint NOT NULL,
	"kind" text NOT NULL,
	"task_id" text,
	"task" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT clock_timestamp() NOT NULL,
	CONSTRAINT "sync_event_user_id_position_pk" PRIMARY KEY("user_id","position")
);
--> statement-breakpoint
CREATE TABLE "sync_position" (
	"user_id" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sync_event_created_idx" ON "sync_event" USING btree ("created_at");

--> statement-breakpoint
CREATE FUNCTION "append_sync_event"(event_user_id text, event_kind text, event_task_id text, event_task jsonb)
	RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
	next_position bigint;
BEGIN
	INSERT INTO "sync_position" ("user_id", "position") VALUES (event_user_id, now_us)
		ON CONFLICT ("user_id") DO UPDATE SET "position" = greatest("sync_position"."position" + 1, now_us)
		RETURNING "position" INTO next_position;
	INSERT INTO "sync_event" ("user_id", "position", "kind", "task_id", "task")
		VALUES (event_user_id, next_position, event_kind, event_task_id, event_task);
	PERFORM pg_notify('taskwell_sync', event_user_id);
END
$$;
--> statement-breakpoint
-- The task row as stored (column names); the API's serializer shapes it as GET does. A task moved
-- to another user or given another id is, to each side, a deletion and a creation.
CREATE FUNCTION "task_sync_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM "append_sync_event"(NEW."user_id", 'task.created', NEW."id", to_jsonb(NEW));
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM "append_sync_event"(OLD."user_id", 'task.deleted', OLD."id", NULL);
	ELSIF NEW."user_id" IS DISTINCT FROM OLD."user_id" OR NEW."id" IS DISTINCT FROM OLD."id" THEN
		PERFORM "append_sync_event"(OLD."user_id", 'task.deleted', OLD."id", NULL);
		PERFORM "append_sync_event"(NEW."user_id", 'task.created', NEW."id", to_jsonb(NEW));
	ELSE
		PERFORM "append_sync_event"(NEW."user_id", 'task.updated', NEW."id", to_jsonb(NEW));
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "task_sync_event" AFTER INSERT OR UPDATE OR DELETE ON "task"
	FOR EACH ROW EXECUTE FUNCTION "task_sync_event"();
--> statement-breakpoint
-- TRUNCATE fires no row triggers and changes everyone's tasks: every user is told to refetch.
CREATE FUNCTION "tasks_changed_sync_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "append_sync_event"("id", 'tasks.changed', NULL, NULL) FROM "user";
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "tasks_changed_sync_event" AFTER TRUNCATE ON "task"
	FOR EACH STATEMENT EXECUTE FUNCTION "tasks_changed_sync_event"();
--> statement-breakpoint
-- The last event of a deleted user comes after the task.deleted of each of their tasks. The
-- foreign key's cascade would delete the tasks too, but its statements' row triggers are queued
-- behind the user's own AFTER triggers (account.deleted first); so the tasks are deleted here,
-- before the user row, where their triggers run at once, and the cascade finds none left.
CREATE FUNCTION "delete_tasks_before_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "task" WHERE "user_id" = OLD."id";
	RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "user_delete_tasks_first" BEFORE DELETE ON "user"
	FOR EACH ROW EXECUTE FUNCTION "delete_tasks_before_user"();
--> statement-breakpoint
CREATE FUNCTION "account_deleted_sync_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "append_sync_event"(OLD."id", 'account.deleted', NULL, NULL);
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "user_sync_account_deleted" AFTER DELETE ON "user"
	FOR EACH ROW EXECUTE FUNCTION "account_deleted_sync_event"();
