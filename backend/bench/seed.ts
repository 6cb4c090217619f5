/** The other users' tasks the benchmark's user is listed among. */
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { openDb } from '../src/db/client.js'
import { migrate } from '../src/db/migrate.js'
import type { Target } from '../testkit/databases.js'
import { OTHER_TASKS } from './settings.js'

/** 100,000 tasks of 1,000 other users, inserted in bulk before the app starts. */
export async function seedOthers(target: Target) {
  const started = Date.now()
  const insert = async (db: Awaited<ReturnType<typeof openDb>>['db']) => {
    await db.execute(
      sql`insert into "user" (id, name, email) select 'bench-' || g, 'Other ' || g, 'other' || g || '@bench.example' from generate_series(1, 1000) g`,
    )
    await db.execute(sql`insert into task (id, user_id, title, description, priority, tags, created_at, updated_at)
      select gen_random_uuid()::text, 'bench-' || (1 + g % 1000), 'Other task ' || g, 'Somebody else''s', g % 3, '{}',
             now() - g * interval '1 second', now() - g * interval '1 second'
      from generate_series(1, ${OTHER_TASKS}) g`)
    await db.execute(sql`analyze task`)
  }
  const database = await openDb({ url: target.url, dataDir: target.url ? undefined : join(target.dataDir, 'pglite') })
  try {
    await migrate(database)
    await insert(database.db)
  } finally {
    await database.close()
  }
  console.log(`seeded ${OTHER_TASKS} tasks of other users in ${Date.now() - started} ms`)
}
