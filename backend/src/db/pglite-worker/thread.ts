/**
 * The thread that owns the embedded database (client.ts): PGlite runs its SQL synchronously on
 * the thread that calls it, so here, never on the API's event loop. It answers one message at a
 * time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import type { Notification, Request, Response, ThreadOptions } from './messages.js'

const port = parentPort
if (!port) throw new Error('pglite-worker/thread.ts runs as a worker thread')

const { dataDir } = workerData as ThreadOptions
// pg_trgm backs the task search index; PGlite loads extensions explicitly.
const pglite = new PGlite({ dataDir, extensions: { pg_trgm } })
const identity = (value: unknown) => value

async function answer(request: Request): Promise<unknown> {
  switch (request.kind) {
    case 'query': {
      // Drizzle asks for some types as their text (its parsers are all the identity).
      const parsers = request.rawTypes && Object.fromEntries(request.rawTypes.map((type) => [type, identity]))
      const { rows, fields, affectedRows } = await pglite.query(request.text, request.params, {
        rowMode: request.rowMode,
        parsers,
      })
      return { rows, fields, affectedRows }
    }
    case 'exec':
      return (await pglite.exec(request.text)).map(({ rows, fields, affectedRows }) => ({ rows, fields, affectedRows }))
    case 'listen': {
      const { channel } = request
      // PGlite calls back once a statement (a commit) has delivered the notification.
      await pglite.listen(channel, (payload) => {
        port?.postMessage({ kind: 'notification', channel, payload } satisfies Notification)
      })
      return null
    }
    case 'close':
      await pglite.close()
      return null
  }
}

/** What the API needs of a database error (its SQLSTATE and constraint), not the whole object. */
function describe(err: unknown): Response['error'] {
  const e = (err ?? {}) as Record<string, unknown>
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  return {
    message: text(e.message) ?? String(err),
    code: text(e.code),
    constraint: text(e.constraint),
    table: text(e.table),
    column: text(e.column),
  }
}

try {
  await pglite.waitReady
  port.postMessage({ id: 0, result: 'ready' } satisfies Response)
} catch (err) {
  port.postMessage({ id: 0, error: describe(err) } satisfies Response)
}

port.on('message', async (request: Request) => {
  try {
    port.postMessage({ id: request.id, result: await answer(request) } satisfies Response)
  } catch (err) {
    port.postMessage({ id: request.id, error: describe(err) } satisfies Response)
  }
})
