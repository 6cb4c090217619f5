/**
 * The mailed-link flows of decision 009, open to anyone: verify an email address, ask for a
 * new verification link, ask for a password reset, and set a new password with its token.
 * Answers never reveal whether an account exists.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { APIError } from 'better-auth/api'
import { decodeJwt } from 'jose'
import type { Config } from '../config.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { unprocessable } from '../http/problem.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import { type Auth, RESET_TOKEN_TTL_SECONDS, VERIFICATION_TOKEN_TTL_SECONDS } from '../identity/better-auth.js'
import { forwarded } from '../identity/request-headers.js'
import { endingSessionsBecause } from '../identity/revocation-reason.js'
import type { Background } from '../jobs/background.js'
import { duration } from '../mail/messages.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import {
  AcceptedSchema,
  EmailBody,
  resetConfirmBody,
  toUserJson,
  UserResultSchema,
  VerifyEmailBody,
} from './schemas.js'

export type EmailRoutesDeps = { config: Config; auth: Auth; limits: AuthLimits; background: Background }

const TAGS = ['Account']
const invalidToken = () => unprocessable([{ field: 'token', message: 'This link is invalid or has expired' }])

export function emailRouter({ config, auth, limits, background }: EmailRoutesDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  const ResetConfirmBody = resetConfirmBody(config.passwordMinLength)

  const verifyRoute = createRoute({
    method: 'post',
    path: '/auth/verify-email',
    operationId: 'verifyEmail',
    security: [],
    tags: TAGS,
    summary: 'Verify an email address with the mailed token',
    description: 'Verifying an address twice is fine.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(VerifyEmailBody) },
    responses: { 200: jsonResponse(UserResultSchema, 'The address is verified'), ...errors(400, 413, 415, 422) },
  })
  router.openapi(verifyRoute, async (c) => {
    const { token } = c.req.valid('json')
    try {
      await auth.api.verifyEmail({ query: { token }, headers: forwarded(c) })
    } catch (err) {
      if (err instanceof APIError && err.statusCode < 500) throw invalidToken()
      throw err
    }
    // Better Auth has checked the token's signature and expiry; its payload names the address.
    const { email } = decodeJwt(token)
    const found = typeof email === 'string' ? await (await auth.$context).internalAdapter.findUserByEmail(email) : null
    if (!found) throw invalidToken()
    return c.json({ user: toUserJson(found.user) }, 200)
  })

  const accepted = (description: string) => ({ 202: jsonResponse(AcceptedSchema, description) })

  const resendRoute = createRoute({
    method: 'post',
    path: '/auth/verify-email/resend',
    operationId: 'resendVerificationEmail',
    security: [],
    'x-link-lifetime-seconds': VERIFICATION_TOKEN_TTL_SECONDS,
    tags: TAGS,
    summary: 'Send a new verification link',
    description:
      'The same 202 whether or not the account exists or is verified, and however often it is asked: only an unverified account is mailed, at most once per address per window (RATE_LIMIT_EMAIL_PER_ADDRESS). Too many requests from one client are 429.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(EmailBody) },
    responses: { ...accepted('Mailed if the account exists and is unverified'), ...errors(400, 413, 415, 422, 429) },
  })
  router.openapi(resendRoute, async (c) => {
    const { email } = c.req.valid('json')
    // Past the address's mail for this window the answer is the same and nothing is sent.
    if (await limits.mail('verification', c.var.clientIp, email)) {
      await auth.api.sendVerificationEmail({ body: { email }, headers: forwarded(c) })
    }
    return c.json({ detail: 'If that account exists and is not verified yet, we sent it a new link.' }, 202)
  })

  const resetRoute = createRoute({
    method: 'post',
    path: '/auth/password-reset',
    operationId: 'requestPasswordReset',
    security: [],
    'x-link-lifetime-seconds': RESET_TOKEN_TTL_SECONDS,
    tags: TAGS,
    summary: 'Ask for a password-reset link',
    description: `The same 202 whether or not the account exists, and however often it is asked: at most one mail per address per window (RATE_LIMIT_EMAIL_PER_ADDRESS), so the last link sent is the one to use. The link works once, for ${duration(RESET_TOKEN_TTL_SECONDS)}. Too many requests from one client are 429.`,
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(EmailBody) },
    responses: { ...accepted('Mailed if the account exists'), ...errors(400, 413, 415, 422, 429) },
  })
  router.openapi(resetRoute, async (c) => {
    const { email } = c.req.valid('json')
    // Past the address's mail for this window nothing is sent: strangers cannot fill the owner's
    // inbox, nor end the link the owner already has (a new one would), nor learn anything.
    if (await limits.mail('reset', c.var.clientIp, email)) {
      // After the answer has gone: making a token takes longer for an account that exists than
      // for one that does not (and PGlite works on this thread), so the answer must not wait.
      const headers = forwarded(c)
      background.run('password-reset request', () => auth.api.requestPasswordReset({ body: { email }, headers }))
    }
    return c.json({ detail: 'If that account exists, we sent it a link to reset the password.' }, 202)
  })

  const confirmRoute = createRoute({
    method: 'post',
    path: '/auth/password-reset/confirm',
    operationId: 'confirmPasswordReset',
    security: [],
    tags: TAGS,
    summary: 'Set a new password with a reset token',
    description: "Every session of the account ends, with its access tokens. The password rules are sign-up's.",
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(ResetConfirmBody) },
    responses: { 204: { description: 'Password changed; signed out everywhere' }, ...errors(400, 413, 415, 422) },
  })
  router.openapi(confirmRoute, async (c) => {
    const { token, new_password } = c.req.valid('json')
    try {
      await endingSessionsBecause('password_reset', () =>
        auth.api.resetPassword({ body: { token, newPassword: new_password }, headers: forwarded(c) }),
      )
    } catch (err) {
      if (err instanceof APIError && err.statusCode === 400) throw invalidToken()
      throw err
    }
    return c.body(null, 204)
  })

  return router
}
