/**
 * Notices to the owner of an account that a way in changed (TOTP off, a recovery code used, a
 * passkey added), pointing at the account page where they can see and undo it.
 */
import type { Mailer } from './mailer.js'
import { type SecurityChange, securityNoticeMail } from './messages.js'

export type SecurityNotices = { send(email: string, change: SecurityChange): void }

export function createSecurityNotices(mailer: Mailer, publicUrl: string): SecurityNotices {
  const accountPage = `${publicUrl}/account`
  return { send: (email, change) => mailer.send(securityNoticeMail({ email }, accountPage, change)) }
}
