/**
 * No password-only session on an account with TOTP on, even one racing TOTP being turned on.
 * A password sign-in asks whether the account has TOTP on before it checks the password and
 * makes its session; turning TOTP on in between ends every other session, but not this one,
 * which does not exist yet. So once the session exists the question is asked again: TOTP on now
 * means the session is ended and the sign-in answers as one of a TOTP account does. (Turning TOTP
 * on commits before its sweep of sessions, so a session made after the sweep sees it on here.)
 */
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { account } from '../../db/schema.js'
import { passwordFingerprint } from './mfa-challenges.js'
import { SecondFactorRequired } from './second-factor-required.js'
import type { SecondFactors } from './second-factors.js'

export async function refusePasswordSessionOfTotpAccount(
  db: Db,
  secondFactors: Pick<SecondFactors, 'isEnabled'>,
  session: { userId: string; token: string },
  endSession: (token: string) => Promise<void>,
): Promise<void> {
  if (!(await secondFactors.isEnabled(session.userId))) return
  await endSession(session.token)
  const [row] = await db
    .select({ hash: account.password })
    .from(account)
    .where(and(eq(account.userId, session.userId), eq(account.providerId, 'credential')))
  throw new SecondFactorRequired(session.userId, passwordFingerprint(row?.hash ?? ''))
}
