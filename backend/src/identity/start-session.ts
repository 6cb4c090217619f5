/**
 * Sessions made after a second step (a TOTP code, a recovery code, a passkey): a server-only
 * Better Auth endpoint, so the session, its cookie and its hooks (audit, revocation) are Better
 * Auth's own, as for a password sign-in. It has no URL: only our routes call it, after they
 * have checked the factor, and say how the user signed in (`amr`).
 */
import { z } from '@hono/zod-openapi'
import type { BetterAuthPlugin } from 'better-auth'
import { APIError, createAuthEndpoint } from 'better-auth/api'
import { setSessionCookie } from 'better-auth/cookies'
import { storedAmr } from './amr.js'

export const START_SESSION_PATH = '/taskwell/start-session'

const StartSessionBody = z.object({ userId: z.string().min(1), amr: z.array(z.string()).min(1) })

export function sessionStarter() {
  return {
    id: 'taskwell-session-starter',
    endpoints: {
      startSession: createAuthEndpoint(
        START_SESSION_PATH,
        { method: 'POST', body: StartSessionBody, metadata: { SERVER_ONLY: true } },
        async (ctx) => {
          const user = await ctx.context.internalAdapter.findUserById(ctx.body.userId)
          if (!user) throw new APIError('UNAUTHORIZED', { message: 'No such user' })
          const session = await ctx.context.internalAdapter.createSession(user.id, false, {
            amr: storedAmr(ctx.body.amr),
          })
          if (!session) throw new APIError('INTERNAL_SERVER_ERROR', { message: 'Failed to create session' })
          await setSessionCookie(ctx, { session, user })
          return ctx.json({ token: session.token as string | null, user, sessionId: session.id as string })
        },
      ),
    },
  } satisfies BetterAuthPlugin
}
