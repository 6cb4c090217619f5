-- Live sync (decision 030): the API announces its own writes (sync/announcer.ts), so the trigger
-- no longer NOTIFYs for connections named 'taskwell api' (the server's pool). PostgreSQL
-- serialises the commits of every transaction that NOTIFYs (one lock, held through the commit's
-- flush), so a NOTIFY in each write capped the writes of all users at one per disk flush. Every
-- other writer (an operator's SQL, another tool, a pool not so named, PGlite) is still announced
-- here, at commit, as before.
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
	IF current_setting('application_name') IS DISTINCT FROM 'taskwell api' THEN
		PERFORM pg_notify('taskwell_sync', event_user_id);
	END IF;
END
$$;
