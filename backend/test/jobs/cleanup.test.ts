/**
 * Decision 019: sessions and security events were kept for ever. The cleanup job deletes
 * sessions past either end, security events older than AUDIT_RETENTION_DAYS, and expired
 * rate-limit counters, sign-in challenges and verification tokens; it keeps everything live,
 * and instances sharing a database may run it at the same time.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { eq, inArray } from 'drizzle-orm'
import { auditEvent, mfaChallenge, rateLimit, session, verification, webauthnChallenge } from '../../src/db/schema.js'
import { BEHIND_PROXY } from '../support/account.js'
import { freshClient, signInAs, signUpAs } from '../support/clients.js'
import { sessionIdOf } from '../support/expectations.js'
import { describeWithApp, startTestApp } from '../support/harness.js'

const DAY_MS = 86_400_000
const ago = (ms: number) => new Date(Date.now() - ms)
const ahead = (ms: number) => new Date(Date.now() + ms)

describeWithApp(
  'the cleanup job',
  { ...BEHIND_PROXY, SESSION_MAX_AGE_SECONDS: '3600', AUDIT_RETENTION_DAYS: '30' },
  (t, driver) => {
    const db = () => t.services.database.db

    /** Rows of every kind, expired and live; returns their keys by table. */
    async function seed() {
      const s = await signUpAs(t, freshClient())
      const idle = await signInAs(t, freshClient(), s.user.email, s.password)
      const old = await signInAs(t, freshClient(), s.user.email, s.password)
      await db()
        .update(session)
        .set({ expiresAt: ago(1000) })
        .where(eq(session.id, sessionIdOf(idle)))
      await db()
        .update(session)
        .set({ createdAt: ago(3601_000), expiresAt: ahead(DAY_MS) })
        .where(eq(session.id, sessionIdOf(old)))
      const [oldEvent, newEvent] = [randomUUID(), randomUUID()]
      await db()
        .insert(auditEvent)
        .values([
          { id: oldEvent, userId: s.user.id, action: 'signed_in', createdAt: ago(31 * DAY_MS) },
          { id: newEvent, userId: s.user.id, action: 'signed_in', createdAt: ago(29 * DAY_MS) },
        ])
      const [deadKey, liveKey] = [`test:${randomUUID()}`, `test:${randomUUID()}`]
      await db()
        .insert(rateLimit)
        .values([
          { key: deadKey, count: 1, resetAt: ago(1000) },
          { key: liveKey, count: 1, resetAt: ahead(60_000) },
        ])
      const [deadMfa, liveMfa] = [randomUUID(), randomUUID()]
      await db()
        .insert(mfaChallenge)
        .values([
          { tokenHash: deadMfa, userId: s.user.id, passwordFingerprint: 'x', expiresAt: ago(1000) },
          { tokenHash: liveMfa, userId: s.user.id, passwordFingerprint: 'x', expiresAt: ahead(60_000) },
        ])
      const [deadChallenge, liveChallenge] = [randomUUID(), randomUUID()]
      await db()
        .insert(webauthnChallenge)
        .values([
          { challenge: deadChallenge, purpose: 'authentication', expiresAt: ago(1000) },
          { challenge: liveChallenge, purpose: 'authentication', expiresAt: ahead(60_000) },
        ])
      const [deadVerification, liveVerification] = [randomUUID(), randomUUID()]
      await db()
        .insert(verification)
        .values([
          { id: deadVerification, identifier: 'test', value: 'x', expiresAt: ago(1000) },
          { id: liveVerification, identifier: 'test', value: 'x', expiresAt: ahead(60_000) },
        ])
      return {
        s,
        gone: {
          sessions: [sessionIdOf(idle), sessionIdOf(old)],
          events: [oldEvent],
          counters: [deadKey],
          mfa: [deadMfa],
          webauthn: [deadChallenge],
          verification: [deadVerification],
        },
        kept: {
          sessions: [sessionIdOf(s)],
          events: [newEvent],
          counters: [liveKey],
          mfa: [liveMfa],
          webauthn: [liveChallenge],
          verification: [liveVerification],
        },
      }
    }

    /** The key column of each kind of row the job sweeps. */
    const keyColumns = {
      sessions: session.id,
      events: auditEvent.id,
      counters: rateLimit.key,
      mfa: mfaChallenge.tokenHash,
      webauthn: webauthnChallenge.challenge,
      verification: verification.id,
    }

    /** How many of the given rows of each kind are still there. */
    async function present(keys: Record<keyof typeof keyColumns, string[]>) {
      const counts = await Promise.all(
        Object.entries(keyColumns).map(async ([kind, column]) => {
          const rows = await db()
            .select({ key: column })
            .from(column.table)
            .where(inArray(column, keys[kind as keyof typeof keyColumns]))
          return [kind, rows.length] as const
        }),
      )
      return Object.fromEntries(counts)
    }

    it('deletes what has run out and keeps what is live', async () => {
      const { gone, kept } = await seed()
      const report = await t.services.cleanup.runOnce()
      assert.deepEqual(await present(gone), {
        sessions: 0,
        events: 0,
        counters: 0,
        mfa: 0,
        webauthn: 0,
        verification: 0,
      })
      assert.deepEqual(await present(kept), {
        sessions: 1,
        events: 1,
        counters: 1,
        mfa: 1,
        webauthn: 1,
        verification: 1,
      })
      assert.ok((report.session ?? 0) >= 2, JSON.stringify(report))
      assert.ok((report.audit_event ?? 0) >= 1, JSON.stringify(report))
    })

    it('two instances sweeping at once both finish, and the rows are gone once', async () => {
      const { gone } = await seed()
      const other = await startTestApp(driver, {
        ...BEHIND_PROXY,
        SESSION_MAX_AGE_SECONDS: '3600',
        AUDIT_RETENTION_DAYS: '30',
      })
      try {
        await Promise.all([t.services.cleanup.runOnce(), other.services.cleanup.runOnce()])
        assert.deepEqual(await present(gone), {
          sessions: 0,
          events: 0,
          counters: 0,
          mfa: 0,
          webauthn: 0,
          verification: 0,
        })
      } finally {
        await other.close()
      }
    })
  },
)
