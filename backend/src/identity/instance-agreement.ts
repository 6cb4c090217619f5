/**
 * Instances on one database must agree on BETTER_AUTH_SECRET and PUBLIC_URL: the secret encrypts
 * the shared signing key and signs cookies, PUBLIC_URL is every token's `iss` and `aud`. Two that
 * disagree each work alone and break each other without a word (one's tokens fail on the other,
 * a sign-out there is never honoured here). So a new instance looks for running ones that differ
 * and refuses to start, naming the setting (decision 023).
 *
 * Each instance's revocation listener, its one long-lived connection, carries the instance's
 * fingerprint as its `application_name`: a running instance is one whose listener is connected,
 * so a crashed one stops counting the moment PostgreSQL drops its connection, and nothing is
 * stored. The fingerprint is keyed by the secret (an HMAC), never the secret itself.
 *
 * A rolling rotation of the secret (decision 028) runs instances with the new secret and
 * BETTER_AUTH_SECRET_PREVIOUS = the old one next to instances with the old one: the fingerprint
 * also carries the previous secret's HMAC (`p=`), and two instances agree on the secret when one's
 * secret is the other's secret or previous one. Unrelated secrets still refuse.
 */
import { createHash, createHmac } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Database } from '../db/client.js'

const PREFIX = 'taskwell '
/** What the HMAC of the secret is taken over: changing it would make every instance disagree. */
const CONTEXT = 'taskwell instance agreement v1'

const short = (digest: string) => digest.slice(0, 16)
const PREVIOUS_LENGTH = 12

const secretTag = (secret: string) => short(createHmac('sha256', secret).update(CONTEXT).digest('base64url'))

/**
 * This instance's `application_name` (≤ 63 bytes, PostgreSQL's limit):
 * `taskwell s=<secret HMAC> u=<URL hash>`, and ` p=<previous secret HMAC, 12 characters>` during a rotation.
 */
export function instanceFingerprint(settings: {
  secret: string
  secretPrevious?: string | undefined
  publicUrl: string
}): string {
  const u = short(createHash('sha256').update(settings.publicUrl).digest('base64url'))
  // 12 characters, so the whole name fits in 63 bytes; compared with the start of another's `s=`.
  const p = settings.secretPrevious ? ` p=${secretTag(settings.secretPrevious).slice(0, PREVIOUS_LENGTH)}` : ''
  return `${PREFIX}s=${secretTag(settings.secret)} u=${u}${p}`
}

/** Refusals at start-up: the message names the setting. */
export class InstancesDisagreeError extends Error {}

type Fingerprint = { s: string; u: string; p: string | undefined }

function parse(name: string): Fingerprint | undefined {
  const match = /^taskwell s=(\S+) u=(\S+)(?: p=(\S+))?$/.exec(name)
  return match ? { s: match[1] as string, u: match[2] as string, p: match[3] } : undefined
}

/** One's secret is the other's, or the one it replaces, or replaced it: a rotation in progress. */
const replaces = (p: string | undefined, s: string) => p !== undefined && s.slice(0, PREVIOUS_LENGTH) === p
const secretsOverlap = (a: Fingerprint, b: Fingerprint) => a.s === b.s || replaces(b.p, a.s) || replaces(a.p, b.s)

/**
 * Throws unless every running instance on this database (its listener connected) has this
 * instance's fingerprint. Call once this instance's own listener is connected: of two that start
 * at once with different settings, at least one then sees the other.
 */
export async function checkInstancesAgree(database: Database, fingerprint: string): Promise<void> {
  if (database.driver !== 'pg') return // PGlite: one process
  const mine = parse(fingerprint)
  if (!mine) throw new Error(`not an instance fingerprint: ${fingerprint}`)
  const { rows } = (await database.db.execute(
    sql`select application_name as name, count(*)::int as n from pg_stat_activity
        where datname = current_database() and application_name like ${`${PREFIX}s=%`}
        group by application_name`,
  )) as unknown as { rows: { name: string; n: number }[] }
  const others = rows.flatMap((row) => {
    const theirs = parse(row.name)
    return theirs ? [{ ...theirs, n: row.n }] : []
  })
  const count = (differs: (o: Fingerprint) => boolean) => others.filter(differs).reduce((sum, o) => sum + o.n, 0)
  const refusals: string[] = []
  const secret = count((o) => !secretsOverlap(mine, o))
  const url = count((o) => o.u !== mine.u)
  if (secret > 0)
    refusals.push(
      `BETTER_AUTH_SECRET differs from that of ${secret} running Taskwell instance(s) on this database: their tokens and cookies would fail here and this one's there (in a rotation, set BETTER_AUTH_SECRET_PREVIOUS to the secret being replaced)`,
    )
  if (url > 0)
    refusals.push(
      `PUBLIC_URL differs from that of ${url} running Taskwell instance(s) on this database: it is every access token's iss and aud, so their tokens would fail here and this one's there`,
    )
  if (refusals.length > 0)
    throw new InstancesDisagreeError(
      `${refusals.join('; ')}. Every instance on one database needs the same value: give this one theirs, or stop them first.`,
    )
}
