/**
 * Helpers of the production-deployment tests: PostgreSQL behind PgBouncer in transaction mode,
 * server processes started as an operator would, and a user's story told over HTTP.
 */
import assert from 'node:assert/strict'
import { kill9, type ServerProcess } from '../../testkit/server-process.js'
import { TEST_SECRET } from '../support/harness.js'
import { withTimeout } from '../support/timeout.js'

export const PG_URL = process.env.TEST_DATABASE_URL
export const NEEDS_PG = PG_URL ? false : 'needs PostgreSQL: set TEST_DATABASE_URL'

/** What every server process here shares (each test adds its database and URLs). */
export const SERVER_ENV = {
  NODE_ENV: 'test',
  BETTER_AUTH_SECRET: TEST_SECRET,
  LOG_LEVEL: 'warn',
  // Every request here comes from 127.0.0.1.
  RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
  RATE_LIMIT_SIGNINS_PER_IP: '1000000',
}

export type Answer = { method: string; path: string; status: number; body: string; instance: string | null }

/** One request: the answer, and which instance gave it (X-Served-By, when a test names them). */
export async function send(base: string, method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { method, path, status: res.status, body: text, instance: res.headers.get('x-served-by') }
}

/**
 * A user's whole story: sign up, sign in, create tasks, list them (unfiltered, filtered, a
 * search, page by page), complete one, sign out. Returns every answer, in order.
 */
export async function userStory(base: string, email: string, password: string, tasks = 5): Promise<Answer[]> {
  const answers: Answer[] = []
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const answer = await send(base, method, path, token, body)
    answers.push(answer)
    return answer
  }
  const up = await call('POST', '/api/auth/signup', undefined, { email, password })
  assert.equal(up.status, 201, up.body)
  const userId = (JSON.parse(up.body) as { user: { id: string } }).user.id
  const signIn = await call('POST', '/api/auth/signin', undefined, { email, password })
  assert.equal(signIn.status, 200, signIn.body)
  const { token } = JSON.parse(signIn.body) as { token: string }
  const ids: string[] = []
  for (let i = 0; i < tasks; i++) {
    const created = await call('POST', `/api/${userId}/tasks`, token, { title: `Task ${i}`, tags: ['story'] })
    assert.equal(created.status, 201, created.body)
    ids.push((JSON.parse(created.body) as { id: string }).id)
  }
  for (let i = 0; i < 3; i++) {
    const list = await call('GET', `/api/${userId}/tasks`, token)
    assert.equal(list.status, 200, list.body)
    assert.equal((JSON.parse(list.body) as { items: unknown[] }).items.length, tasks)
  }
  const page = await call('GET', `/api/${userId}/tasks?limit=2`, token)
  const { next_cursor } = JSON.parse(page.body) as { next_cursor: string }
  await call('GET', `/api/${userId}/tasks?limit=2&cursor=${encodeURIComponent(next_cursor)}`, token)
  await call('GET', `/api/${userId}/tasks?q=Task&tag=story`, token)
  await call('PATCH', `/api/${userId}/tasks/${ids[0]}/complete`, token)
  await call('GET', `/api/${userId}/tasks?status=completed`, token)
  await call('GET', `/api/${userId}/tasks/${ids[1]}`, token)
  await call('GET', '/api/me', token)
  await call('POST', '/api/auth/signout', token)
  const after = await call('GET', '/api/me', token)
  assert.equal(after.status, 401, `the token after sign-out: ${after.status}`)
  answers.pop() // the 401 is the story's last check, not a failure
  return answers
}

/** The answers that were not 2xx, for a failure message. */
export const failures = (answers: Answer[]) =>
  answers.filter((a) => a.status >= 300).map((a) => `${a.method} ${a.path} → ${a.status} ${a.body.slice(0, 200)}`)

/** A server that must refuse to start: its exit code and output, or a failure (and SIGKILL) if it runs on. */
export async function refusal(server: ServerProcess, ms = 30_000): Promise<{ code: number | null; output: string }> {
  try {
    const exit = await withTimeout(server.exited, ms, `${server.name} should have refused to start`)
    return { code: exit.code, output: server.output() }
  } catch (err) {
    await kill9(server)
    throw new Error(`${(err as Error).message}; it started:\n${server.output()}`)
  }
}
