/**
 * The embedded database on a thread of its own. PGlite runs SQL synchronously on the thread that
 * calls it, so in the API's process a slow statement (a search over a large list) held every
 * other request, `/healthz` included. Here PGlite lives in a worker (thread.ts) and this is the
 * PGlite-shaped client Drizzle's PGlite driver is given. PGlite is one connection: as in PGlite
 * itself, a transaction runs whole before any statement after it starts.
 */
import { Worker } from 'node:worker_threads'
import type { Notification, Request, Response, ThreadOptions } from './messages.js'

type QueryOptions = { rowMode?: 'array' | 'object'; parsers?: Record<string, unknown> }
type Waiting = { resolve: (value: unknown) => void; reject: (err: unknown) => void }
type Sendable = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never

/** The thread's script: compiled JavaScript beside this file, or TypeScript loaded through tsx. */
function startThread(options: ThreadOptions): Worker {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return new Worker(new URL('./thread.js', here), { workerData: options })
  const file = new URL('./thread.ts', here).href
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file)}) })`
  return new Worker(boot, { eval: true, workerData: options })
}

function errorOf(error: NonNullable<Response['error']>): Error {
  const { message, ...fields } = error
  return Object.assign(new Error(message), fields)
}

export type WorkerPglite = Awaited<ReturnType<typeof openWorkerPglite>>

export async function openWorkerPglite(dataDir: string | undefined) {
  const worker = startThread({ dataDir })
  const waiting = new Map<number, Waiting>()
  let lastId = 0
  let gone: Error | undefined

  const listeners = new Map<string, Set<(payload: string) => void>>()

  const ready = new Promise<void>((resolve, reject) => waiting.set(0, { resolve: () => resolve(), reject }))
  worker.on('message', (answer: Response | Notification) => {
    if ('kind' in answer) {
      for (const listener of listeners.get(answer.channel) ?? []) listener(answer.payload)
      return
    }
    const call = waiting.get(answer.id)
    if (!call) return
    waiting.delete(answer.id)
    if (answer.error) call.reject(errorOf(answer.error))
    else call.resolve(answer.result)
  })
  // A thread that died answers nothing more: fail what waits, and everything after.
  const fail = (err: Error) => {
    gone ??= Object.assign(new Error('the embedded database stopped', { cause: err }), { code: '08006' })
    for (const call of waiting.values()) call.reject(gone)
    waiting.clear()
  }
  worker.on('error', fail)
  worker.on('exit', (code) => fail(new Error(`database thread exited with code ${code}`)))
  await ready

  const send = (request: Sendable) =>
    new Promise<unknown>((resolve, reject) => {
      if (gone) return reject(gone)
      const id = ++lastId
      waiting.set(id, { resolve, reject })
      worker.postMessage({ ...request, id })
    })
  const query = (text: string, params?: unknown[], options?: QueryOptions) =>
    send({
      kind: 'query',
      text,
      params,
      rowMode: options?.rowMode,
      rawTypes: options?.parsers && Object.keys(options.parsers).map(Number),
    })
  const exec = (text: string) => send({ kind: 'exec', text })

  // One line for everything: a transaction's statements never interleave with others'.
  let line: Promise<unknown> = Promise.resolve()
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const turn = line.then(work, work)
    line = turn.catch(() => {})
    return turn
  }

  return {
    query: (text: string, params?: unknown[], options?: QueryOptions) => inTurn(() => query(text, params, options)),
    exec: (text: string) => inTurn(() => exec(text)),
    transaction: <T>(work: (tx: { query: typeof query; exec: typeof exec }) => Promise<T>) =>
      inTurn(async () => {
        await query('BEGIN')
        let result: T
        try {
          result = await work({ query, exec })
        } catch (err) {
          await query('ROLLBACK')
          throw err
        }
        await query('COMMIT')
        return result
      }),
    /**
     * Calls `onNotify` with each payload NOTIFYed on `channel` (the live-sync relay); resolves to
     * a function that stops it. The thread keeps listening: a channel costs it nothing.
     */
    listen: async (channel: string, onNotify: (payload: string) => void) => {
      let channelListeners = listeners.get(channel)
      if (!channelListeners) {
        channelListeners = new Set()
        listeners.set(channel, channelListeners)
        await inTurn(() => send({ kind: 'listen', channel }))
      }
      channelListeners.add(onNotify)
      return async () => {
        channelListeners.delete(onNotify)
      }
    },
    /** Closes PGlite in its thread (so a data directory is left whole), then the thread. */
    close: async () => {
      if (!gone) await inTurn(() => send({ kind: 'close' }))
      await worker.terminate()
    },
  }
}
