/**
 * Password-reset tokens at rest. Better Auth stores each as a `verification` row named
 * `reset-password:<token>` whose value is the user id; we store the token part hashed (a
 * database read must not hand out working links) and keep at most one live link per user:
 * a new request, a reset and a password change each end the older ones.
 */
import { createHash } from 'node:crypto'
import { and, eq, like, ne } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { verification } from '../db/schema.js'

const RESET_PREFIX = 'reset-password:'

/** Better Auth's `verification.storeIdentifier`: `kind:<token>` → `kind:<sha256 of token>`. */
export async function hashIdentifier(identifier: string): Promise<string> {
  const colon = identifier.indexOf(':')
  const kind = colon < 0 ? '' : identifier.slice(0, colon + 1)
  return kind + createHash('sha256').update(identifier.slice(kind.length)).digest('base64url')
}

/** Ends every reset link of `userId` except the one for `keepToken`. */
export async function forgetResetTokens(db: Db, userId: string, keepToken?: string): Promise<void> {
  const keep = keepToken === undefined ? undefined : await hashIdentifier(RESET_PREFIX + keepToken)
  await db
    .delete(verification)
    .where(
      and(
        eq(verification.value, userId),
        like(verification.identifier, `${RESET_PREFIX}%`),
        keep === undefined ? undefined : ne(verification.identifier, keep),
      ),
    )
}
