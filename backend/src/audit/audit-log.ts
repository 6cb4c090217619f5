/**
 * The security events of each account: written by every account action, shown to the user at
 * GET /api/me/events. The request's client IP and user agent are taken from the request being
 * served (see `requestOrigin`), so callers deep inside Better Auth need not thread them through.
 */
import { randomUUID } from 'node:crypto'
import { and, desc, eq, ne } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import { auditEvent } from '../db/schema.js'
import { requestOrigin } from './request-origin.js'

export const AUDIT_ACTIONS = [
  'signed_up',
  'signed_in',
  'signed_out',
  'email_verified',
  'verification_email_sent',
  'password_reset_requested',
  'password_reset',
  'password_changed',
  'name_changed',
  'session_revoked',
  'other_sessions_revoked',
  'account_deleted',
  'totp_enabled',
  'totp_disabled',
  'recovery_codes_regenerated',
  'recovery_code_used',
  'second_factor_failed',
  'passkey_added',
  'passkey_renamed',
  'passkey_removed',
  'passkey_clone_suspected',
] as const

export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export type AuditEventRow = typeof auditEvent.$inferSelect

export type AuditLog = {
  /** Records `action` for `userId` with the current request's IP and user agent. */
  record(userId: string, action: AuditAction): Promise<void>
  /** The newest `limit` events of `userId`. */
  recent(userId: string, limit: number): Promise<AuditEventRow[]>
  /** After an account is deleted: drops its events and keeps one `account_deleted`. */
  recordDeletion(userId: string): Promise<void>
}

/** `production`: an event recorded outside a request is logged instead of thrown (request-origin.ts). */
export function createAuditLog(db: Db, log: Logger, { production }: { production: boolean }): AuditLog {
  const originOfRequest = () => {
    const origin = requestOrigin(!production)
    if (origin.ip === null) log.error('security event recorded outside a request; stored without IP and user agent')
    return origin
  }
  const row = (userId: string, action: AuditAction) => {
    const origin = originOfRequest()
    return {
      id: randomUUID(),
      userId,
      action,
      ipAddress: origin.ip,
      userAgent: origin.userAgent,
      createdAt: new Date(),
    }
  }
  return {
    async record(userId, action) {
      await db.insert(auditEvent).values(row(userId, action))
      log.info({ audit: action, userId }, 'security event')
    },

    recent(userId, limit) {
      return db
        .select()
        .from(auditEvent)
        .where(eq(auditEvent.userId, userId))
        .orderBy(desc(auditEvent.createdAt), desc(auditEvent.id))
        .limit(limit)
    },

    async recordDeletion(userId) {
      const deletion = row(userId, 'account_deleted')
      await db.transaction(async (tx) => {
        await tx.insert(auditEvent).values(deletion)
        await tx.delete(auditEvent).where(and(eq(auditEvent.userId, userId), ne(auditEvent.id, deletion.id)))
      })
      log.info({ audit: 'account_deleted', userId }, 'security event')
    },
  }
}
