/**
 * The task API: /api/{user_id}/tasks[/{id}[/complete]]. Every route needs credentials;
 * a path naming another user is 403, a task that is missing or someone else's is 404.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler, TypedResponse } from 'hono'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { bearerSecurity, errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { forbidden, notFound, unprocessable } from '../http/problem.js'
import { jsonBody, optionalJsonBody, rejectInvalid } from '../http/validation.js'
import { ConcurrencyRefused } from '../rate-limits/local-concurrency.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import {
  limitTaskWrites,
  listTimedOut,
  nextTurn,
  refuse,
  type TaskLimits,
  taskLimitReached,
  tooManyListsAtOnce,
  tooManySearches,
} from './limits.js'
import { type ListCache, pageKey } from './list-cache.js'
import { findTask, isFiltered, isStatementTimeout, listTasks, toTaskJson } from './queries.js'
import {
  CompleteSchema,
  ListQuerySchema,
  TaskIdParams,
  TaskInputSchema,
  type TaskListJson,
  TaskListSchema,
  TaskPatchSchema,
  TaskSchema,
  UserIdParam,
} from './schemas.js'
import { createTask, deleteTask, setCompletion, updateTask } from './writes.js'

export type TasksDeps = {
  db: Db
  listCache: ListCache
  limits: TaskLimits
  requireUser: MiddlewareHandler<AppEnv>
  /** A write of this user's tasks committed: live sync tells their streams (sync/announcer.ts). */
  announceWrite: (userId: string) => void
}

const TAGS = ['Tasks']

/** API.md: the path's user must be the caller; says nothing about whether that user exists. */
const callerOwnsPath: MiddlewareHandler<AppEnv> = async function callerOwnsPath(c, next) {
  if (c.req.param('user_id') !== c.var.caller.userId) throw forbidden('You can only access your own tasks')
  await next()
}

const taskNotFound = () => notFound('task')

export function tasksRouter({ db, listCache, limits, requireUser, announceWrite }: TasksDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  // Authentication, then ownership, before any validation: a stranger learns nothing. Writes
  // are counted before their bodies are read: a flood of invalid ones costs CPU too.
  router.use('/:user_id/tasks', requireUser, callerOwnsPath)
  router.use('/:user_id/tasks/*', requireUser, callerOwnsPath)
  // Once: Hono's `tasks/*` matches `tasks` itself too.
  router.use('/:user_id/tasks/*', limitTaskWrites(limits))
  // A write answered 2xx has committed (every handler awaits its statement before answering).
  router.use('/:user_id/tasks/*', async (c, next) => {
    await next()
    const write = c.req.method !== 'GET' && c.req.method !== 'HEAD'
    if (write && c.res.status >= 200 && c.res.status < 300) announceWrite(c.var.caller.userId)
  })

  const common = { tags: TAGS, security: bearerSecurity }
  const denied = errors(401, 403)
  /** Decision 020's answers, described for the routes that give them. */
  const described = (status: 409 | 429 | 503, description: string) => ({
    [status]: { ...errors(status)[status], description },
  })
  const limited = described(429, 'Too many task writes by this user in a short time; see Retry-After')

  const listRoute = createRoute({
    ...common,
    operationId: 'listTasks',
    method: 'get',
    path: '/{user_id}/tasks',
    summary: 'List my tasks (filter, search, sort, paginate)',
    description:
      '`tag` may repeat (all must match). `due_before` is exclusive, `due_after` inclusive; tasks without a due date are left out when either is given and sort last in both orders. Pass `next_cursor` back as `cursor` with the same `sort` and `order`.',
    request: { params: UserIdParam, query: ListQuerySchema },
    responses: {
      200: jsonResponse(TaskListSchema, 'A page of tasks'),
      ...denied,
      ...errors(422),
      ...described(429, 'Too many searches, or filtered lists at once, by this user; see Retry-After'),
      ...described(503, 'The list ran past its time limit, or the database is down; see Retry-After'),
    },
  })
  router.openapi(listRoute, async (c) => {
    const valid = c.req.valid('query')
    const { cursor: cursorText, ...query } = valid
    const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText, query.sort, query.order)
    if (cursorText !== undefined && !cursor) {
      throw unprocessable([{ field: 'cursor', message: 'cursor is not valid for this sort and order' }])
    }
    const { userId } = c.var.caller
    if (query.q) {
      const taken = limits.searches.take(userId)
      if (!taken.ok) await refuse(limits, tooManySearches(taken.retryAfterSeconds))
    }
    const page = async () => {
      // The version is read before the page is built: see list-cache.ts for why that order.
      const version = await listCache.version(userId)
      const key = pageKey(valid)
      let body = listCache.get(userId, version, key)
      if (body === undefined) {
        const { rows, next } = await listTasks(db, userId, { ...query, cursor }, limits.listBound)
        body = JSON.stringify({ items: rows.map(toTaskJson), next_cursor: next ? encodeCursor(next) : null })
        listCache.set(userId, version, key, body)
      }
      return body
    }
    // A filtered list waits for its slot before it asks the database anything, even its version.
    const body = isFiltered(query) ? await slowPage(userId, page, c.req.raw.signal) : await page()
    // `body` is a serialised TaskList; the cast only tells the typed router so.
    return c.body(body, 200, { 'Content-Type': 'application/json' }) as unknown as TypedResponse<
      TaskListJson,
      200,
      'json'
    >
  })

  /**
   * A filtered or searched page: a few per user at once (the others wait, or are refused when
   * too many wait), and a timed-out one is 503, never 500.
   *
   * Once it has its slot, the page waits for the next turn of the event loop (limits.ts
   * `nextTurn`: why).
   */
  async function slowPage(userId: string, page: () => Promise<string>, signal: AbortSignal) {
    const afterOthers = async () => {
      await nextTurn()
      return page()
    }
    try {
      return await limits.listSlots.run(userId, afterOthers, signal)
    } catch (err) {
      if (err instanceof ConcurrencyRefused) await refuse(limits, tooManyListsAtOnce())
      if (isStatementTimeout(err)) throw listTimedOut()
      throw err
    }
  }

  const createTaskRoute = createRoute({
    ...common,
    operationId: 'createTask',
    method: 'post',
    path: '/{user_id}/tasks',
    summary: 'Create a task',
    middleware: [jsonBody] as const,
    request: { params: UserIdParam, body: jsonRequest(TaskInputSchema) },
    responses: {
      201: jsonResponse(TaskSchema, 'Created'),
      ...denied,
      ...errors(400, 413, 415, 422),
      ...described(409, 'The account holds the maximum number of tasks (code TASK_LIMIT_REACHED)'),
      ...limited,
    },
  })
  router.openapi(createTaskRoute, async (c) => {
    const { user_id } = c.req.valid('param')
    const row = await createTask(limits.quotaGuard, c.var.caller.userId, c.req.valid('json'), limits.maxTasksPerUser)
    if (!row) throw taskLimitReached(limits.maxTasksPerUser)
    return c.json(toTaskJson(row), 201, { Location: `/api/${encodeURIComponent(user_id)}/tasks/${row.id}` })
  })

  const readRoute = createRoute({
    ...common,
    operationId: 'getTask',
    method: 'get',
    path: '/{user_id}/tasks/{id}',
    summary: 'Read one task',
    request: { params: TaskIdParams },
    responses: { 200: jsonResponse(TaskSchema, 'The task'), ...denied, ...errors(404) },
  })
  router.openapi(readRoute, async (c) => {
    const row = await findTask(db, c.var.caller.userId, c.req.valid('param').id)
    if (!row) throw taskNotFound()
    return c.json(toTaskJson(row), 200)
  })

  const replaceRoute = createRoute({
    ...common,
    operationId: 'replaceTask',
    method: 'put',
    path: '/{user_id}/tasks/{id}',
    summary: 'Replace the editable fields (omitted ones reset to their defaults)',
    middleware: [jsonBody] as const,
    request: { params: TaskIdParams, body: jsonRequest(TaskInputSchema) },
    responses: { 200: jsonResponse(TaskSchema, 'Updated'), ...denied, ...errors(400, 404, 413, 415, 422), ...limited },
  })
  router.openapi(replaceRoute, async (c) => {
    const row = await updateTask(db, c.var.caller.userId, c.req.valid('param').id, c.req.valid('json'))
    if (!row) throw taskNotFound()
    return c.json(toTaskJson(row), 200)
  })

  const patchRoute = createRoute({
    ...common,
    operationId: 'updateTask',
    method: 'patch',
    path: '/{user_id}/tasks/{id}',
    summary: 'Change some editable fields',
    middleware: [jsonBody] as const,
    request: { params: TaskIdParams, body: jsonRequest(TaskPatchSchema) },
    responses: { 200: jsonResponse(TaskSchema, 'Updated'), ...denied, ...errors(400, 404, 413, 415, 422), ...limited },
  })
  router.openapi(patchRoute, async (c) => {
    const row = await updateTask(db, c.var.caller.userId, c.req.valid('param').id, c.req.valid('json'))
    if (!row) throw taskNotFound()
    return c.json(toTaskJson(row), 200)
  })

  const deleteRoute = createRoute({
    ...common,
    operationId: 'deleteTask',
    method: 'delete',
    path: '/{user_id}/tasks/{id}',
    summary: 'Delete a task',
    request: { params: TaskIdParams },
    responses: { 204: { description: 'Deleted' }, ...denied, ...errors(404), ...limited },
  })
  router.openapi(deleteRoute, async (c) => {
    if (!(await deleteTask(db, c.var.caller.userId, c.req.valid('param').id))) throw taskNotFound()
    return c.body(null, 204)
  })

  const completeRoute = createRoute({
    ...common,
    operationId: 'toggleTaskCompletion',
    method: 'patch',
    path: '/{user_id}/tasks/{id}/complete',
    summary: 'Toggle completion, or set it with { "completed": bool }',
    description:
      'With no body (and no Content-Type), or with `{}`, the completion flips; with `{ "completed": bool }` it is set (idempotent).',
    middleware: [optionalJsonBody] as const,
    request: {
      params: TaskIdParams,
      body: { required: false, content: { 'application/json': { schema: CompleteSchema } } },
    },
    responses: { 200: jsonResponse(TaskSchema, 'Updated'), ...denied, ...errors(400, 404, 413, 415, 422), ...limited },
  })
  router.openapi(completeRoute, async (c) => {
    const { id } = c.req.valid('param')
    const { completed } = c.req.valid('json')
    const row = await setCompletion(db, c.var.caller.userId, id, completed)
    if (!row) throw taskNotFound()
    return c.json(toTaskJson(row), 200)
  })

  return router
}
