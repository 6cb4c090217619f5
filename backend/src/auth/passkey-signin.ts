/**
 * POST /api/auth/passkey/options and POST /api/auth/passkey/verify: signing in with a passkey,
 * no email typed (API.md "Passkeys"). A passkey with user verification is two factors, so the
 * session begins here whether or not the account has TOTP on.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { HttpError } from '../http/problem.js'
import { jsonBody, optionalJsonBody } from '../http/validation.js'
import { passkeyAmr } from '../identity/amr.js'
import type { Auth } from '../identity/better-auth.js'
import { rejectInvalidCredential } from '../identity/passkeys/credential-json.js'
import { createRelyingParty } from '../identity/passkeys/relying-party.js'
import { signinCeremony } from '../identity/passkeys/sign-in.js'
import type { TokenService } from '../identity/tokens.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import { PasskeySigninBody, PasskeySigninOptionsBody, PasskeySigninOptionsSchema } from './passkey-schemas.js'
import { AuthResultSchema } from './schemas.js'
import { startedSessionResult } from './session-result.js'

export type PasskeySigninDeps = {
  config: Config
  db: Db
  auth: Auth
  tokens: TokenService
  limits: AuthLimits
  audit: AuditLog
}

/** API.md: one answer whatever failed, so nothing tells which credential ids exist. */
const passkeyNotRecognised = () =>
  new HttpError(401, 'Unauthorized', {
    detail: 'Passkey not recognised',
    code: 'INVALID_PASSKEY',
    headers: { 'WWW-Authenticate': 'Bearer' },
  })

export function passkeySigninRouter(deps: PasskeySigninDeps) {
  const { db, config, limits, audit } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalidCredential })
  const ceremony = signinCeremony({ db, rp: createRelyingParty(config), ttlSeconds: config.authChallengeTtlSeconds })

  const optionsRoute = createRoute({
    method: 'post',
    path: '/auth/passkey/options',
    operationId: 'beginPasskeySignIn',
    tags: ['Auth'],
    summary: 'Begin signing in with a passkey',
    description:
      'Options for `navigator.credentials.get()` (pass them to `PublicKeyCredential.parseRequestOptionsFromJSON()`), for any passkey of this site, with a challenge that works once, until `expires_at`. No body, or `{}`. Limited per client IP.',
    security: [],
    middleware: [optionalJsonBody] as const,
    request: { body: { required: false, content: { 'application/json': { schema: PasskeySigninOptionsBody } } } },
    responses: {
      200: jsonResponse(PasskeySigninOptionsSchema, 'Options for the browser'),
      ...errors(400, 413, 415, 422, 429),
    },
  })
  router.openapi(optionsRoute, async (c) => {
    await limits.passkeyOptions(c.var.clientIp)
    const { options, expiresAt } = await ceremony.options()
    c.header('Cache-Control', 'no-store')
    return c.json({ options, expires_at: expiresAt.toISOString() }, 200)
  })

  const verifyRoute = createRoute({
    method: 'post',
    path: '/auth/passkey/verify',
    operationId: 'signInWithPasskey',
    tags: ['Auth'],
    summary: 'Sign in with a passkey',
    description:
      "Send the browser's `credential.toJSON()` for the options of POST /api/auth/passkey/options. Any failed check is the same 401 `INVALID_PASSKEY` (ask for new options: each challenge works once); a `credential` that is not WebAuthn JSON is 422. With REQUIRE_EMAIL_VERIFICATION, an unverified address gets 403 `EMAIL_NOT_VERIFIED`.",
    security: [],
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(PasskeySigninBody) },
    responses: {
      200: jsonResponse(AuthResultSchema, 'Signed in; session cookie set'),
      ...errors(400, 401, 403, 413, 415, 422, 429),
    },
  })
  router.openapi(verifyRoute, async (c) => {
    const { credential } = c.req.valid('json')
    // Counted before anything is looked at, so a refusal uses no challenge or sign count up: a
    // sign-in of the client's (decision 019), and a failure taken back on success.
    await limits.sessionStart(c.var.clientIp)
    const attempt = await limits.clientSigninStep(c.var.clientIp)
    const outcome = await ceremony.verify(credential)
    if (outcome.outcome === 'clone-suspected') {
      await audit.record(outcome.userId, 'passkey_clone_suspected')
      c.var.log.warn({ passkeyId: outcome.passkeyId }, 'passkey sign counter went back')
      throw passkeyNotRecognised()
    }
    if (outcome.outcome === 'refused') {
      c.var.log.info({ reason: outcome.reason }, 'passkey sign-in refused')
      throw passkeyNotRecognised()
    }
    // The passkey was right: not a failure, even if the account may not sign in yet (403).
    await attempt.succeeded()
    const { result } = await startedSessionResult(c, deps, outcome.userId, passkeyAmr(outcome.backupEligible))
    await ceremony.used(outcome.passkeyId)
    c.header('Cache-Control', 'no-store')
    return c.json(result, 200)
  })

  return router
}
