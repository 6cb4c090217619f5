/**
 * What an abusive account sends and holds (decision 020): the largest task body the API
 * accepts, and an account filled with many of the largest tasks in one statement, the state an
 * account reaches by creating as many as it is allowed, without spending minutes on it.
 */
import { sql } from 'drizzle-orm'
import type { Db } from '../src/db/client.js'
import { DESCRIPTION_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX } from '../src/tasks/schemas.js'

/** The largest task body the API accepts: what a flood sends to cost the most. */
export const LARGEST_TASK = {
  title: 'T'.repeat(TITLE_MAX),
  description: 'd'.repeat(DESCRIPTION_MAX),
  tags: Array.from({ length: TAGS_MAX }, (_, i) => `${i}`.padStart(TAG_MAX, 't')),
  priority: 'high',
  due_at: '2030-01-01T00:00:00Z',
}

/**
 * Gives `userId` `count` more tasks with the longest title and description, of text every
 * one-letter search matches (hex digits), so that such a search must look at every task.
 */
export async function fillAccount(db: Db, userId: string, count: number): Promise<void> {
  await db.execute(sql`
    insert into task (id, user_id, title, description, priority, tags, created_at, updated_at)
    select gen_random_uuid()::text, ${userId}, substr(repeat(md5(g::text), 7), 1, ${TITLE_MAX}),
           substr(repeat(md5((g * 7)::text), 32), 1, ${DESCRIPTION_MAX}), g % 3, '{}',
           now() - g * interval '1 millisecond', now() - g * interval '1 millisecond'
    from generate_series(1, ${count}) g`)
  await db.execute(sql`analyze task`)
}
