-- A user's task-list version becomes an instant: microseconds since 1970 by the database's clock,
-- and always at least one more than before. A counter went back when a backup was restored and
-- then counted up again through the very numbers an instance had cached pages for, built from
-- data the restore took away (decision 025). An instant taken after a restore is later than every
-- version handed out before it, so such a page is never served again; counting up by one stays
-- for writes faster than the clock (several rows of one user in one statement).
CREATE OR REPLACE FUNCTION "bump_task_list_version"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
BEGIN
	IF TG_OP <> 'INSERT' THEN
		INSERT INTO "task_list_version" ("user_id", "version") VALUES (OLD."user_id", now_us)
			ON CONFLICT ("user_id") DO UPDATE SET "version" = greatest("task_list_version"."version" + 1, now_us);
	END IF;
	IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."user_id" IS DISTINCT FROM OLD."user_id") THEN
		INSERT INTO "task_list_version" ("user_id", "version") VALUES (NEW."user_id", now_us)
			ON CONFLICT ("user_id") DO UPDATE SET "version" = greatest("task_list_version"."version" + 1, now_us);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "bump_every_task_list_version"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
BEGIN
	INSERT INTO "task_list_version" ("user_id", "version") SELECT "id", now_us FROM "user"
		ON CONFLICT ("user_id") DO UPDATE SET "version" = greatest("task_list_version"."version" + 1, now_us);
	RETURN NULL;
END
$$;
