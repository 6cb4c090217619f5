/**
 * A small HTTP client that says exactly how a request failed (refused, reset, timed out), and
 * sign-up and sign-in through it.
 */

import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { taskClient } from '../testkit/task-client.js'
import { now } from './numbers.js'

export const PASSWORD = 'a sturdy reliability passphrase 7'

export type Reply = {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  start: number
  end: number
  ms: number
  /** The request went out on a kept-alive connection that had served an earlier one. */
  reusedSocket: boolean
}

/** A request that got no complete response; `code` says why (ECONNREFUSED, ECONNRESET, CLIENT_TIMEOUT...). */
export class RequestFailed extends Error {
  constructor(
    readonly code: string,
    readonly start: number,
    readonly end: number,
    readonly reusedSocket: boolean,
  ) {
    super(`request failed: ${code}`)
  }
  get ms() {
    return this.end - this.start
  }
}

export type CallOptions = {
  token?: string
  json?: unknown
  headers?: Record<string, string>
  /** undefined → a new connection per request. */
  agent?: http.Agent
  /** The whole exchange must finish within this (default 5 s) or it fails as CLIENT_TIMEOUT. */
  timeoutMs?: number
  /** Send the body in two halves this far apart (a slow upload). */
  slowBodyMs?: number
}

export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const start = now()
  const url = new URL(path, base)
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let payload: Buffer | undefined
  if (options.json !== undefined) {
    payload = Buffer.from(JSON.stringify(options.json))
    headers['content-type'] = 'application/json'
    headers['content-length'] = String(payload.length)
  }
  return new Promise((resolve, reject) => {
    let settled = false
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method,
      headers,
      agent: options.agent ?? false,
    })
    const fail = (code: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(new RequestFailed(code, start, now(), req.reusedSocket))
    }
    const timer = setTimeout(() => {
      fail('CLIENT_TIMEOUT')
      req.destroy()
    }, options.timeoutMs ?? 5_000)
    req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
      res.on('aborted', () => fail('RESPONSE_ABORTED'))
      res.on('end', () => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        const end = now()
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          start,
          end,
          ms: end - start,
          reusedSocket: req.reusedSocket,
        })
      })
    })
    if (payload && options.slowBodyMs) {
      const half = Math.floor(payload.length / 2)
      req.write(payload.subarray(0, half))
      setTimeout(() => req.end(payload.subarray(half)), options.slowBodyMs)
    } else {
      req.end(payload)
    }
  })
}

export type Session = { userId: string; email: string; token: string; sessionToken: string }

export async function signup(base: string, agent?: http.Agent): Promise<Session> {
  const email = `reliability-${randomBytes(5).toString('hex')}@example.com`
  const res = await call(base, 'POST', '/api/auth/signup', {
    json: { email, password: PASSWORD },
    timeoutMs: 15_000,
    ...(agent ? { agent } : {}),
  })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${res.text}`)
  const body = JSON.parse(res.text) as { user: { id: string }; token: string; session_token: string }
  return { userId: body.user.id, email, token: body.token, sessionToken: body.session_token }
}

export async function signin(base: string, email: string): Promise<Session> {
  const res = await call(base, 'POST', '/api/auth/signin', { json: { email, password: PASSWORD }, timeoutMs: 15_000 })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`)
  const body = JSON.parse(res.text) as { user: { id: string }; token: string; session_token: string }
  return { userId: body.user.id, email, token: body.token, sessionToken: body.session_token }
}

/** The task API of `who` on `base` (testkit's client), each request a `call` with these options. */
export function tasksOn(base: string, who: Session) {
  return taskClient<Reply, Omit<CallOptions, 'token' | 'json'>>(
    (method, path, { token, body, options }) =>
      call(base, method, path, { ...options, token, ...(body === undefined ? {} : { json: body }) }),
    who,
  )
}
