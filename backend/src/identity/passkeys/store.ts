/**
 * Passkey rows and WebAuthn user handles. Every query that reads or changes a user's passkeys
 * names the user, so no route can reach another's; the rules that count (20 per account, the
 * last way in, the sign counter) are each one transaction or one conditional write, so two
 * requests racing cannot both pass them.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { and, count, desc, eq, isNotNull, lt } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { account, passkey, user, webauthnUser } from '../../db/schema.js'
import type { Assertion, RegisteredKey } from './relying-party.js'

export type PasskeyRow = typeof passkey.$inferSelect

/** API.md: a 21st passkey is refused. */
export const MAX_PASSKEYS_PER_USER = 20

/** WebAuthn's AuthenticatorTransport values; anything else a client sends is dropped, not stored. */
const KNOWN_TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])

export const knownTransports = (transports: readonly string[]) =>
  [...new Set(transports)].filter((t) => KNOWN_TRANSPORTS.has(t))

/**
 * The user's handle (32 random bytes, base64url: never the email or the id, so a passkey
 * reveals nothing of the account) and name, making the handle on first use.
 */
export async function webauthnUserOf(db: Db, userId: string): Promise<{ handle: string; name: string } | null> {
  await db
    .insert(webauthnUser)
    .values({ userId, handle: randomBytes(32).toString('base64url') })
    .onConflictDoNothing({ target: webauthnUser.userId })
  const [row] = await db
    .select({ handle: webauthnUser.handle, name: user.name })
    .from(webauthnUser)
    .innerJoin(user, eq(user.id, webauthnUser.userId))
    .where(eq(webauthnUser.userId, userId))
  return row ?? null
}

export function listPasskeys(db: Db, userId: string): Promise<PasskeyRow[]> {
  return db.select().from(passkey).where(eq(passkey.userId, userId)).orderBy(desc(passkey.createdAt), desc(passkey.id))
}

export async function findPasskey(db: Db, userId: string, id: string): Promise<PasskeyRow | null> {
  const [row] = await db
    .select()
    .from(passkey)
    .where(and(eq(passkey.userId, userId), eq(passkey.id, id)))
  return row ?? null
}

/** The passkey a sign-in names, with its owner's user handle. */
export async function findPasskeyForSignin(
  db: Db,
  credentialId: string,
): Promise<{ row: PasskeyRow; userHandle: string } | null> {
  const [found] = await db
    .select({ row: passkey, userHandle: webauthnUser.handle })
    .from(passkey)
    .innerJoin(webauthnUser, eq(webauthnUser.userId, passkey.userId))
    .where(eq(passkey.credentialId, credentialId))
  return found ?? null
}

export type AddOutcome = { outcome: 'added'; row: PasskeyRow } | { outcome: 'duplicate' | 'too-many' }

/** Stores a verified key for `userId`, unless its id is registered already (to anyone) or it would be a 21st. */
export async function addPasskey(db: Db, userId: string, key: RegisteredKey, name: string): Promise<AddOutcome> {
  try {
    return await db.transaction(async (tx) => {
      // One registration of a user at a time, so two cannot both be the 20th.
      await tx.select().from(webauthnUser).where(eq(webauthnUser.userId, userId)).for('update')
      const [taken] = await tx
        .select({ id: passkey.id })
        .from(passkey)
        .where(eq(passkey.credentialId, key.credentialId))
      if (taken) return { outcome: 'duplicate' as const }
      const [held] = await tx.select({ n: count() }).from(passkey).where(eq(passkey.userId, userId))
      if ((held?.n ?? 0) >= MAX_PASSKEYS_PER_USER) return { outcome: 'too-many' as const }
      const [row] = await tx
        .insert(passkey)
        .values({
          id: randomUUID(),
          userId,
          name,
          credentialId: key.credentialId,
          publicKey: key.publicKey,
          signCount: key.counter,
          transports: knownTransports(key.transports),
          backupEligible: key.backupEligible,
          backedUp: key.backedUp,
          createdAt: new Date(),
        })
        .returning()
      return { outcome: 'added' as const, row: row as PasskeyRow }
    })
  } catch (err) {
    // Another account registered the same id between our check and our insert.
    if (isUniqueViolation(err)) return { outcome: 'duplicate' }
    throw err
  }
}

export async function renamePasskey(db: Db, userId: string, id: string, name: string): Promise<PasskeyRow | null> {
  const [row] = await db
    .update(passkey)
    .set({ name })
    .where(and(eq(passkey.userId, userId), eq(passkey.id, id)))
    .returning()
  return row ?? null
}

export type RemoveOutcome = 'removed' | 'not-found' | 'last-way-in'

/** Deletes a passkey, unless it is the only way into an account that has no password. */
export function removePasskey(db: Db, userId: string, id: string): Promise<RemoveOutcome> {
  return db.transaction(async (tx) => {
    await tx.select().from(webauthnUser).where(eq(webauthnUser.userId, userId)).for('update')
    const [row] = await tx
      .select({ id: passkey.id })
      .from(passkey)
      .where(and(eq(passkey.userId, userId), eq(passkey.id, id)))
    if (!row) return 'not-found' as const
    const [password] = await tx
      .select({ id: account.id })
      .from(account)
      .where(and(eq(account.userId, userId), eq(account.providerId, 'credential'), isNotNull(account.password)))
    const [held] = await tx.select({ n: count() }).from(passkey).where(eq(passkey.userId, userId))
    if (!password && (held?.n ?? 0) <= 1) return 'last-way-in' as const
    await tx.delete(passkey).where(and(eq(passkey.userId, userId), eq(passkey.id, id)))
    return 'removed' as const
  })
}

/**
 * Applies API.md's sign-counter rule in one write: when the stored or the received count is
 * non-zero, the received one must be greater. False (nothing stored) when it is not, including
 * when a parallel sign-in moved the count first.
 */
export async function recordAssertion(db: Db, id: string, assertion: Assertion): Promise<boolean> {
  const { counter } = assertion
  // Authenticators that always send 0 (most synced passkeys) pass while the stored count is 0 too.
  const counterRule = counter === 0 ? eq(passkey.signCount, 0) : lt(passkey.signCount, counter)
  const moved = await db
    .update(passkey)
    .set({ signCount: counter, backedUp: assertion.backedUp })
    .where(and(eq(passkey.id, id), counterRule))
    .returning({ id: passkey.id })
  return moved.length === 1
}

export async function markUsed(db: Db, id: string): Promise<void> {
  await db.update(passkey).set({ lastUsedAt: new Date() }).where(eq(passkey.id, id))
}

const UNIQUE_VIOLATION = '23505'

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code === UNIQUE_VIOLATION) return true
    e = e.cause as typeof e
  }
  return false
}
