/**
 * Rotating the JWT signing key and re-encrypting what BETTER_AUTH_SECRET protects (decision 028).
 *
 * Retiring a key marks it expired: Better Auth's jwt plugin then signs with a new key it creates
 * on the next token, and keeps publishing the retired one in the JWKS for its grace period (the
 * access-token lifetime and a margin), so tokens signed before still verify until they expire.
 */
import { symmetricDecrypt, symmetricEncrypt } from 'better-auth/crypto'
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { jwks, totpFactor } from '../db/schema.js'
import { type SecretSettings, secretConfig } from './secrets.js'

/** How long past the access-token lifetime a retired key stays in the JWKS: clocks differ a little. */
export const SIGNING_KEY_GRACE_MARGIN_SECONDS = 60

/** Retires every signing key still in use; the next token is signed with a new one. Returns their ids. */
export async function retireSigningKeys(db: Db): Promise<string[]> {
  const retired = await db
    .update(jwks)
    .set({ expiresAt: sql`now()` })
    .where(or(isNull(jwks.expiresAt), gt(jwks.expiresAt, sql`now()`)))
    .returning({ id: jwks.id })
  return retired.map((k) => k.id)
}

export type Reencrypted = { signingKeys: number; totpSecrets: number; unreadable: number }

/**
 * Re-encrypts the JWT private keys and the TOTP secrets under the current BETTER_AUTH_SECRET,
 * reading them with either secret: afterwards BETTER_AUTH_SECRET_PREVIOUS can be removed. Rows
 * already under the current secret are left alone, so running it twice is harmless. `unreadable`
 * counts rows neither secret opens (made under a still older secret); expired keys among them do
 * not matter, they sign nothing.
 */
export async function reencryptUnderCurrentSecret(db: Db, settings: SecretSettings): Promise<Reencrypted> {
  const key = secretConfig(settings)
  const current = `$ba$${key.currentVersion}$`
  const rewrap = async (stored: string): Promise<string | null | undefined> => {
    if (stored.startsWith(current)) return undefined // already current
    try {
      return await symmetricEncrypt({ key, data: await symmetricDecrypt({ key, data: stored }) })
    } catch {
      return null
    }
  }
  const result: Reencrypted = { signingKeys: 0, totpSecrets: 0, unreadable: 0 }

  for (const row of await db
    .select({ id: jwks.id, privateKey: jwks.privateKey, expiresAt: jwks.expiresAt })
    .from(jwks)) {
    const next = await rewrap(JSON.parse(row.privateKey) as string)
    if (next === null) {
      if (!row.expiresAt || row.expiresAt.getTime() > Date.now()) result.unreadable++
      continue
    }
    if (next === undefined) continue
    // Only if unchanged meanwhile, so a concurrent run's write is not undone.
    const done = await db
      .update(jwks)
      .set({ privateKey: JSON.stringify(next) })
      .where(and(eq(jwks.id, row.id), eq(jwks.privateKey, row.privateKey)))
      .returning({ id: jwks.id })
    result.signingKeys += done.length
  }

  for (const row of await db.select({ userId: totpFactor.userId, secret: totpFactor.secret }).from(totpFactor)) {
    const next = await rewrap(row.secret)
    if (next === null) result.unreadable++
    if (!next) continue
    const done = await db
      .update(totpFactor)
      .set({ secret: next })
      .where(and(eq(totpFactor.userId, row.userId), eq(totpFactor.secret, row.secret)))
      .returning({ userId: totpFactor.userId })
    result.totpSecrets += done.length
  }
  return result
}

/** Refusal at start-up: the signing key in use opens with neither secret this instance has. */
export class SigningKeyUnreadableError extends Error {}

/**
 * Throws unless every signing key still in use opens with this instance's secrets. Called at
 * start-up, so a secret changed without BETTER_AUTH_SECRET_PREVIOUS (or the previous one dropped
 * before `npm run rotate:secret`) stops the instance with a message, not every sign-in with a 500.
 */
export async function checkSigningKeysReadable(db: Db, settings: SecretSettings): Promise<void> {
  const key = secretConfig(settings)
  const inUse = await db
    .select({ id: jwks.id, privateKey: jwks.privateKey })
    .from(jwks)
    .where(or(isNull(jwks.expiresAt), gt(jwks.expiresAt, sql`now()`)))
  for (const row of inUse) {
    const opened = await symmetricDecrypt({ key, data: JSON.parse(row.privateKey) as string }).then(
      () => true,
      () => false,
    )
    if (!opened)
      throw new SigningKeyUnreadableError(
        `The JWT signing key ${row.id} was encrypted with a BETTER_AUTH_SECRET this instance does not have. Rotating the secret: set BETTER_AUTH_SECRET_PREVIOUS to the old secret, and run npm run rotate:secret before removing it (docs/rotation.md). Or run npm run rotate:signing-key to sign with a new key.`,
      )
  }
}
