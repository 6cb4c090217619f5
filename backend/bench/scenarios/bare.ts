/**
 * The baseline: a bare node:http + pg server (bare-server.ts) running the list's SQL on every
 * request, no framework, no auth. PostgreSQL only: PGlite is one process, and the API holds it.
 */
import { drizzle } from 'drizzle-orm/node-postgres'
import type { Db } from '../../src/db/client.js'
import * as schema from '../../src/db/schema.js'
import { listTasksQuery } from '../../src/tasks/queries.js'
import { measure } from '../load.js'
import { startBare, stop } from '../processes.js'
import { BARE_PORT } from '../settings.js'
import type { Scenario } from './context.js'

export const bare: Scenario = {
  key: 'bare',
  server: 'api',
  runsOn: ({ target }) => target.url !== undefined,
  async run({ target, reader }) {
    const query = listTasksQuery(drizzle.mock({ schema }) as unknown as Db, reader.user.id, {
      status: 'all',
      sort: 'created_at',
      order: 'desc',
      limit: 50,
      cursor: undefined,
    }).toSQL()
    const server = await startBare(target, BARE_PORT, {
      text: query.sql,
      userId: reader.user.id,
      limit: Number(query.params[1]),
    })
    try {
      return await measure('bare node:http + pg, same SQL', server.base, [{ method: 'GET', path: '/' }])
    } finally {
      await stop(server)
    }
  },
}
