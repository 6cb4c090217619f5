-- Each live-sync event records the user's position before it (decision 030). A stream resumes
-- after a position when the event right after it is still kept: its `previous` proves the position
-- was this user's, even when the event at that position was pruned or never existed (the 0 of a
-- user's first stream). Taking it needs the old position, so the position row is locked with
-- SELECT … FOR UPDATE, then moved: the lock is held until commit, as before, so positions stay in
-- commit order.
ALTER TABLE "sync_event" ADD COLUMN "previous" bigint;
--> statement-breakpoint
UPDATE "sync_event" AS e SET "previous" = p."previous"
	FROM (SELECT "user_id", "position", coalesce(lag("position") OVER (PARTITION BY "user_id" ORDER BY "position"), 0) AS "previous"
		FROM "sync_event") AS p
	WHERE e."user_id" = p."user_id" AND e."position" = p."position";
--> statement-breakpoint
ALTER TABLE "sync_event" ALTER COLUMN "previous" SET NOT NULL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "append_sync_event"(event_user_id text, event_kind text, event_task_id text, event_task jsonb)
	RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
	previous_position bigint;
	next_position bigint;
BEGIN
	INSERT INTO "sync_position" ("user_id", "position") VALUES (event_user_id, 0) ON CONFLICT ("user_id") DO NOTHING;
	SELECT "position" INTO previous_position FROM "sync_position" WHERE "user_id" = event_user_id FOR UPDATE;
	next_position := greatest(previous_position + 1, now_us);
	UPDATE "sync_position" SET "position" = next_position WHERE "user_id" = event_user_id;
	INSERT INTO "sync_event" ("user_id", "position", "previous", "kind", "task_id", "task")
		VALUES (event_user_id, next_position, previous_position, event_kind, event_task_id, event_task);
	PERFORM pg_notify('taskwell_sync', event_user_id);
END
$$;
