/**
 * What the lock-out tests share (decision 018): an app with small limits and short pauses,
 * sign-ins as a client with or without a device cookie, and the device cookie a response set.
 */
import assert from 'node:assert/strict'
import { WRONG_PASSWORD } from '../support/account.js'
import { type Client, call, freshClient } from '../support/clients.js'
import type { TestApp } from '../support/harness.js'

/** Failures per account from one client, and per device in a row. */
export const PER_CLIENT = 3
/** Failures per account per day from clients without its device cookie. */
export const CEILING = 8
export const FIRST_PAUSE_MS = 120
export const MAX_PAUSE_MS = 480

export const LOCKOUT_ENV = {
  TRUSTED_PROXIES: '127.0.0.1,::1',
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: String(PER_CLIENT),
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT_PER_DAY: String(CEILING),
  SIGNIN_ACCOUNT_DELAY_MS: String(FIRST_PAUSE_MS),
  SIGNIN_ACCOUNT_DELAY_MAX_MS: String(MAX_PAUSE_MS),
}

/** `name=value` of the device cookie a response set, or undefined. */
export function deviceCookieOf(res: Response): string | undefined {
  const set = res.headers.getSetCookie().find((c) => /^(__Host-)?taskwell-device-/.test(c))
  return set?.split(';')[0]
}

/** The Set-Cookie line of the device cookie a response set, or undefined. */
export const deviceSetCookieOf = (res: Response) =>
  res.headers.getSetCookie().find((c) => /^(__Host-)?taskwell-device-/.test(c))

export type Route = 'seed' | 'better-auth'

/** A password sign-in as `client`, with `deviceCookie` if given; `ms` is how long it took. */
export async function signin(
  t: TestApp,
  email: string,
  password: string,
  options: { client?: Client; deviceCookie?: string; via?: Route } = {},
): Promise<{ res: Response; ms: number }> {
  const { client = freshClient(), deviceCookie, via = 'seed' } = options
  const headers: Record<string, string> = deviceCookie ? { cookie: deviceCookie } : {}
  if (via === 'better-auth') headers.origin = t.config.publicUrl
  const path = via === 'seed' ? '/api/auth/signin' : '/api/auth/sign-in/email'
  const started = performance.now()
  const res = await call(t, 'POST', path, { body: { email, password }, client, headers })
  await res.clone().arrayBuffer()
  return { res, ms: performance.now() - started }
}

/** Strangers, each from a client of their own, fail `n` times on `email`; each must be a 401. */
export async function strangersFail(t: TestApp, email: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const { res } = await signin(t, email, WRONG_PASSWORD)
    assert.equal(res.status, 401, `stranger ${i}: ${res.status} ${await res.text()}`)
  }
}
