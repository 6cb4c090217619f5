/**
 * POST /api/me/passkeys/options and POST /api/me/passkeys: adding a passkey to my account
 * (API.md "Passkeys"). The password is asked first, so a stolen session cannot add a way in.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import type { Config } from '../config.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { conflict, unauthorized, unprocessable } from '../http/problem.js'
import { jsonBody } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import { rejectInvalidCredential } from '../identity/passkeys/credential-json.js'
import { registrationCeremony } from '../identity/passkeys/registration.js'
import { createRelyingParty } from '../identity/passkeys/relying-party.js'
import { MAX_PASSKEYS_PER_USER } from '../identity/passkeys/store.js'
import type { SecurityNotices } from '../mail/security-notices.js'
import {
  AddPasskeyBody,
  DEFAULT_PASSKEY_NAME,
  PasskeyRegistrationOptionsSchema,
  PasskeySchema,
  toPasskeyJson,
} from './passkey-schemas.js'
import { accountRoute, type PasswordConfirmationDeps, passwordConfirmation } from './shared.js'
import { PasswordBody } from './two-factor-schemas.js'

export type PasskeyRegistrationDeps = PasswordConfirmationDeps & {
  config: Config
  auth: Auth
  audit: AuditLog
  notices: SecurityNotices
}

/** Every failed check of a registration reads the same: the browser's answer was not accepted. */
const notRegistered = () =>
  unprocessable([
    { field: 'credential', message: 'This passkey could not be registered; ask for new options and try again' },
  ])

export function passkeyRegistrationRouter(deps: PasskeyRegistrationDeps) {
  const { db, config, auth, audit, notices } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalidCredential })
  const confirmPassword = passwordConfirmation(deps)
  const ceremony = registrationCeremony({
    db,
    rp: createRelyingParty(config),
    ttlSeconds: config.authChallengeTtlSeconds,
  })

  const optionsRoute = createRoute({
    ...accountRoute,
    method: 'post',
    path: '/me/passkeys/options',
    operationId: 'beginPasskeyRegistration',
    summary: 'Begin adding a passkey',
    description:
      'Options for `navigator.credentials.create()` (pass them to `PublicKeyCredential.parseCreationOptionsFromJSON()`), with a challenge that works once, until `expires_at`. A wrong `password` counts against password guessing.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(PasswordBody) },
    responses: {
      200: jsonResponse(PasskeyRegistrationOptionsSchema, 'Options for the browser'),
      ...errors(400, 401, 413, 415, 422, 429),
    },
  })
  router.openapi(optionsRoute, async (c) => {
    const { password } = c.req.valid('json')
    const { userId, email } = c.var.caller
    await confirmPassword(c, 'password', (headers) => auth.api.verifyPassword({ body: { password }, headers }))
    const begun = await ceremony.begin(userId, email)
    if (!begun) throw unauthorized()
    c.header('Cache-Control', 'no-store')
    return c.json({ options: begun.options, expires_at: begun.expiresAt.toISOString() }, 200)
  })

  const addRoute = createRoute({
    ...accountRoute,
    method: 'post',
    path: '/me/passkeys',
    operationId: 'addPasskey',
    summary: 'Add a passkey',
    description: `Send the browser's \`credential.toJSON()\` for the options of POST /api/me/passkeys/options. Any failed check is 422 on \`credential\` (ask for new options: each challenge works once); a credential registered already, to any account, or a ${MAX_PASSKEYS_PER_USER + 1}st passkey is 409. A notice is mailed; no session is signed out.`,
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(AddPasskeyBody) },
    responses: {
      201: {
        ...jsonResponse(PasskeySchema, 'Added'),
        headers: { Location: { schema: { type: 'string' }, description: 'The new passkey' } },
      },
      ...errors(400, 401, 409, 413, 415, 422),
    },
  })
  router.openapi(addRoute, async (c) => {
    const { credential, name } = c.req.valid('json')
    const { userId, email } = c.var.caller
    const added = await ceremony.finish(userId, credential, name ?? DEFAULT_PASSKEY_NAME)
    switch (added.outcome) {
      case 'refused':
        c.var.log.info({ reason: added.reason }, 'passkey registration refused')
        throw notRegistered()
      case 'duplicate':
        throw conflict('This passkey is registered already')
      case 'too-many':
        throw conflict(`An account holds at most ${MAX_PASSKEYS_PER_USER} passkeys; remove one first`)
    }
    await audit.record(userId, 'passkey_added')
    notices.send(email, 'passkey_added')
    c.header('Location', `/api/me/passkeys/${encodeURIComponent(added.passkey.id)}`)
    return c.json(toPasskeyJson(added.passkey), 201)
  })

  return router
}
