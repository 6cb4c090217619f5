/**
 * The account-lifecycle tests' app (decision 009): mail through a catcher of its own, a
 * trusted proxy so each test is its own client IP, and the passwords and values they share.
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { fetchTaskClient } from '../../testkit/task-client.js'
import { atBalancerStop, THROUGH_BALANCER } from './balancer.js'
import { type Driver, describeEachDriver, type SignedIn, startTestApp, type TestApp } from './harness.js'
import { type MailCatcher, startMailCatcher } from './mail-catcher.js'

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

/** API.md "Revocation": refused within this long. */
export const REVOCATION_DEADLINE_MS = 1_000

export const HOUR = 3600

export const FIFTEEN_MINUTES = 900

export const NEW_PASSWORD = 'a brand new passphrase 93'

export const WRONG_PASSWORD = 'not the right passphrase 7'

/** The test client talks through a trusted proxy, so each test can be its own client IP. */
export const BEHIND_PROXY = { TRUSTED_PROXIES: '127.0.0.1,::1' }

/**
 * The environment of an app for these tests: mail through `catcher`, a trusted proxy so each
 * test can be its own client IP, and mail limits out of the way (the limit tests lower them).
 */
export function accountEnv(catcher: MailCatcher, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_URL: catcher.url,
    ...BEHIND_PROXY,
    RATE_LIMIT_EMAIL_PER_ADDRESS: '1000000',
    RATE_LIMIT_EMAIL_PER_IP: '1000000',
    ...extra,
  }
}

export type AppWithMail = { t: TestApp; catcher: MailCatcher }

/**
 * Through the balancer (decision 032) one catcher serves every app of the process: its address is
 * in the instances' SMTP_URL, and a catcher per file would restart them for every file that mails.
 * Tests tell their mail apart by address (every user's is unique), so sharing changes nothing else.
 */
let sharedCatcher: Promise<MailCatcher> | undefined

function mailCatcherForApp(): Promise<MailCatcher> {
  if (!THROUGH_BALANCER) return startMailCatcher()
  if (!sharedCatcher) {
    const catcher = startMailCatcher()
    sharedCatcher = catcher
    atBalancerStop(async () => {
      sharedCatcher = undefined
      await (await catcher).close()
    })
  }
  return sharedCatcher
}

/** An app on `driver` mailing through a mail catcher of its own (`accountEnv` plus `extra`). */
export async function startAppWithMail(driver: Driver, extra: Record<string, string> = {}): Promise<AppWithMail> {
  const catcher = await mailCatcherForApp()
  return { catcher, t: await startTestApp(driver, accountEnv(catcher, extra)) }
}

/** Stops what `startAppWithMail` started (either may be missing if starting failed). */
export async function stopAppWithMail(app: Partial<AppWithMail>): Promise<void> {
  await app.t?.close()
  if (!THROUGH_BALANCER) await app.catcher?.close() // the shared one closes with the balancer
}

/**
 * describeWithApp for apps that mail: one describe per driver whose tests share an app started
 * by `startAppWithMail(driver, extra)` before them and stopped after. The `t` and `catcher`
 * given to `body` are filled in when they have started, so tests use them as they run.
 */
export function describeWithMailApp(
  title: string,
  extra: Record<string, string>,
  body: (t: TestApp, catcher: MailCatcher, driver: Driver) => void,
): void {
  describeEachDriver(title, (driver) => {
    const t = {} as TestApp
    const catcher = {} as MailCatcher
    let started: AppWithMail | undefined
    before(async () => {
      started = await startAppWithMail(driver, extra)
      Object.assign(t, started.t)
      Object.assign(catcher, started.catcher)
    })
    after(() => stopAppWithMail(started ?? {}))
    body(t, catcher, driver)
  })
}

/** Creates a task for `s` through the API; returns its id. */
export async function createTask(t: TestApp, s: SignedIn, title = 'A task'): Promise<string> {
  const res = await fetchTaskClient(t.url, { userId: s.user.id, token: s.token }).create({ title })
  assert.equal(res.status, 201, `create task: ${res.status} ${await res.clone().text()}`)
  return ((await res.json()) as { id: string }).id
}

/** A password of `n` code points that is on no block list. */
export function passwordOf(n: number): string {
  let s = ''
  while (s.length < n) s += randomUUID().replaceAll('-', '')
  return s.slice(0, n)
}

/** Passwords the sign-up rules refuse, with why. */
export const WEAK_PASSWORDS: [string, string][] = [
  ['7 code points', passwordOf(7)],
  ['129 code points', passwordOf(129)],
  ['a common password', 'password123'],
  ['a common password in capitals', 'ILoveYou1'],
]

/** `assertProblem(res, status, { what })`, under the name test/pipeline uses. */
export const expectProblem = (res: Response, status: number, what = '') => assertProblem(res, status, { what })

/** `assertProblem(res, 422, { fields, what })`, under the name test/pipeline uses. */
export const expectInvalid = (res: Response, fields: string[], what = '') => assertProblem(res, 422, { fields, what })
