/**
 * What one account can make the task API do, so that it cannot take the API down for everyone
 * (decision 020): a quota of tasks, rates of writes and of searches, and, for the lists that
 * can be slow (filtered or searched), a statement timeout and a number running at once.
 * Rates and concurrency are counted per instance, in memory (see rate-limits/local-rate.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { MiddlewareHandler } from 'hono'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { HttpError } from '../http/problem.js'
import { ConcurrencyRefused, createLocalConcurrency, type LocalConcurrency } from '../rate-limits/local-concurrency.js'
import { createLocalRateLimit, type LocalRateLimit } from '../rate-limits/local-rate.js'
import type { ListBound } from './queries.js'
import { transactionsOf } from './transactions.js'
import type { QuotaGuard } from './writes.js'

export type TaskLimits = {
  maxTasksPerUser: number
  /** How creates keep to `maxTasksPerUser` on this database (writes.ts). */
  quotaGuard: QuotaGuard
  /** How long a refusal (429) waits before it is answered, in ms. */
  refusalDelayMs: number
  /** How a filtered list is bounded on this database (queries.ts `ListBound`). */
  listBound: ListBound
  writes: LocalRateLimit
  searches: LocalRateLimit
  /** Filtered and searched lists, per user. */
  listSlots: LocalConcurrency
  /** Writes, per user. */
  writeSlots: LocalConcurrency
}

/**
 * Lists waiting for one of the user's slots: a web app with a few tabs, or a search typed while
 * the previous one still runs, waits its turn; a script firing dozens at once is refused.
 */
const LISTS_WAITING_PER_USER = 8
/**
 * Writes of one user running at once. A user's writes take turns in the database anyway (the
 * quota's lock, the list version's row), so more at once would only hold more pooled
 * connections idle while they wait, which other users then lack. The rest wait here, in memory;
 * how many can wait is bounded by the write rate.
 */
const WRITES_RUNNING_PER_USER = 2
const WRITES_WAITING_PER_USER = 1000

/**
 * Tasks per slice of a search on PGlite (search-slices.ts): a slice of the largest tasks takes
 * 5–20 ms there (idle or busy machine), a fortieth of a full account's search.
 */
const SEARCH_SLICE_ROWS = 250

/**
 * Waits for the next turn of the event loop. PGlite runs SQL on the event loop, and its calls
 * resolve, and queued calls start, without a turn in between: while one user's work keeps it
 * busy, nothing else gets in (not a socket read, not `/healthz`), and every request is taken in
 * only after the one before has been answered. Work that can come in floods (a slow list, a
 * write) takes this turn before it starts, so that everyone asks in order.
 */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * A refused request (429) is answered after this pause, as refused sign-ins are (decision 004):
 * a client flooding on many connections then gets about one answer a second on each, instead of
 * the event loop's time in cheap refusals, which other users' requests would wait behind. The
 * pause is a timer, not work; a person who hits a limit reads the answer a second later.
 */
const REFUSAL_DELAY_MS = 1000

export function createTaskLimits(config: Config['taskLimits'], database: Database): TaskLimits {
  const inTransaction = transactionsOf(database)
  return {
    maxTasksPerUser: config.maxTasksPerUser,
    quotaGuard: database.driver === 'pg' ? { inTransaction } : { statementsRunAlone: database.db },
    refusalDelayMs: REFUSAL_DELAY_MS,
    listBound:
      database.driver === 'pg'
        ? { statementTimeoutMs: config.listStatementTimeoutMs, inTransaction }
        : { searchSlice: { rows: SEARCH_SLICE_ROWS, between: nextTurn } },
    writes: createLocalRateLimit({ perMinute: config.writesPerMinute }),
    searches: createLocalRateLimit({ perMinute: config.searchesPerMinute }),
    listSlots: createLocalConcurrency({ running: config.listConcurrencyPerUser, waiting: LISTS_WAITING_PER_USER }),
    writeSlots: createLocalConcurrency({ running: WRITES_RUNNING_PER_USER, waiting: WRITES_WAITING_PER_USER }),
  }
}

const seconds = (n: number) => `${n} second${n === 1 ? '' : 's'}`

const tooMany = (code: string, detail: string, retryAfterSeconds: number) =>
  new HttpError(429, 'Too Many Requests', { detail, code, headers: { 'Retry-After': String(retryAfterSeconds) } })

/** 409: the collection is full, a state the user can change by deleting tasks (not a bad request, so not 422). */
export const taskLimitReached = (max: number) =>
  new HttpError(409, 'Conflict', {
    detail: `Your account holds the maximum of ${max.toLocaleString('en-US')} tasks. Delete some to add more.`,
    code: 'TASK_LIMIT_REACHED',
  })

export const tooManyTaskWrites = (retryAfterSeconds: number) =>
  tooMany(
    'TASK_WRITES_RATE_LIMITED',
    `Too many changes to your tasks in a short time. Try again in ${seconds(retryAfterSeconds)}.`,
    retryAfterSeconds,
  )

export const tooManySearches = (retryAfterSeconds: number) =>
  tooMany(
    'TASK_SEARCHES_RATE_LIMITED',
    `Too many searches in a short time. Try again in ${seconds(retryAfterSeconds)}.`,
    retryAfterSeconds,
  )

export const tooManyListsAtOnce = () =>
  tooMany('TASK_LISTS_BUSY', 'Too many filtered lists or searches at once. Try again in a moment.', 1)

/** A list that ran past its statement timeout: the database is busy, or the search too broad. */
export const listTimedOut = () =>
  new HttpError(503, 'Service Unavailable', {
    detail: 'Listing your tasks took too long. Try again shortly, or narrow the search.',
    code: 'TASK_LIST_TIMEOUT',
    headers: { 'Retry-After': '5' },
  })

/** Throws `refusal` after the limits' pause (see REFUSAL_DELAY_MS). */
export async function refuse(limits: TaskLimits, refusal: HttpError): Promise<never> {
  await sleep(limits.refusalDelayMs)
  throw refusal
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Every request that changes tasks takes one token of its user's writes, then runs when one of
 * the user's write slots is free.
 */
export function limitTaskWrites(limits: TaskLimits): MiddlewareHandler<AppEnv> {
  return async function limitTaskWrites(c, next) {
    if (!WRITES.has(c.req.method)) return next()
    const { userId } = c.var.caller
    const taken = limits.writes.take(userId)
    if (!taken.ok) await refuse(limits, tooManyTaskWrites(taken.retryAfterSeconds))
    try {
      await limits.writeSlots.run(
        userId,
        async () => {
          await nextTurn()
          await next()
        },
        c.req.raw.signal,
      )
    } catch (err) {
      if (err instanceof ConcurrencyRefused) await refuse(limits, tooManyTaskWrites(1))
      throw err
    }
  }
}
