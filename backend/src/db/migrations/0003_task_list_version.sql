CREATE TABLE "task_list_version" (
	"user_id" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
-- Every change to a user's tasks bumps their version in the same transaction, whatever made it
-- (the API, a cascade from deleting the user, a hand-written UPDATE).
CREATE FUNCTION "bump_task_list_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		INSERT INTO "task_list_version" ("user_id", "version") VALUES (OLD."user_id", 1)
			ON CONFLICT ("user_id") DO UPDATE SET "version" = "task_list_version"."version" + 1;
	END IF;
	IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."user_id" IS DISTINCT FROM OLD."user_id") THEN
		INSERT INTO "task_list_version" ("user_id", "version") VALUES (NEW."user_id", 1)
			ON CONFLICT ("user_id") DO UPDATE SET "version" = "task_list_version"."version" + 1;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "task_list_version_bump" AFTER INSERT OR UPDATE OR DELETE ON "task"
	FOR EACH ROW EXECUTE FUNCTION "bump_task_list_version"();
--> statement-breakpoint
-- TRUNCATE fires no row triggers: it changes everyone's tasks, so every user's version moves
-- (also of users who have no row yet and are read as version 0).
CREATE FUNCTION "bump_every_task_list_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "task_list_version" ("user_id", "version") SELECT "id", 1 FROM "user"
		ON CONFLICT ("user_id") DO UPDATE SET "version" = "task_list_version"."version" + 1;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "task_list_version_truncate" AFTER TRUNCATE ON "task"
	FOR EACH STATEMENT EXECUTE FUNCTION "bump_every_task_list_version"();
