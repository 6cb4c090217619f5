/**
 * Helpers of the access-token tests (RFC 8725): forging JWTs with any header, payload and
 * key, and counting the database queries a request makes.
 */
import assert from 'node:assert/strict'
import { createHmac, type KeyObject, sign } from 'node:crypto'
import type { Database } from '../../src/db/client.js'

export type Claims = Record<string, unknown>

export const b64url = (value: string | Uint8Array) => Buffer.from(value).toString('base64url')
export const now = () => Math.floor(Date.now() / 1000)

/** A compact JWS built by hand, so a test controls every byte an attacker could. */
export function forge(header: Claims, payload: Claims, signer: (input: Buffer) => Buffer | string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
  const signature = signer(Buffer.from(input))
  return `${input}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`
}

export const ed25519 = (privateKey: KeyObject) => (input: Buffer) => sign(null, input, privateKey)
export const hs256 = (secret: string | Uint8Array) => (input: Buffer) =>
  createHmac('sha256', secret).update(input).digest()

export async function meId(res: Response): Promise<string> {
  assert.equal(res.status, 200, `expected 200, got ${res.status}: ${await res.clone().text()}`)
  return ((await res.json()) as { user: { id: string } }).user.id
}

/** Counts the app's calls into its database client (query, connect, transaction) while `fn` runs. */
export async function countQueries(database: Database, fn: () => Promise<void>): Promise<number> {
  let count = 0
  let depth = 0 // pool.query calls pool.connect: count the outer call only
  const restore: (() => void)[] = []
  const wrap = <T extends object>(target: T, method: keyof T & string) => {
    const original = target[method] as unknown as (...args: unknown[]) => unknown
    if (typeof original !== 'function') return
    const own = Object.hasOwn(target, method)
    ;(target as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0) count++
      depth++
      try {
        return original.apply(this, args)
      } finally {
        depth--
      }
    }
    restore.push(() => {
      if (own) (target as Record<string, unknown>)[method] = original
      else delete (target as Record<string, unknown>)[method]
    })
  }
  if (database.pool) {
    wrap(database.pool, 'query')
    wrap(database.pool, 'connect')
  }
  if (database.pglite) {
    wrap(database.pglite, 'query')
    wrap(database.pglite, 'exec')
    wrap(database.pglite, 'transaction')
  }
  try {
    await fn()
  } finally {
    for (const undo of restore.reverse()) undo()
  }
  return count
}
