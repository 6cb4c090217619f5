/**
 * GET /api/me/passkeys, PATCH and DELETE /api/me/passkeys/{id}: my passkeys (API.md
 * "Passkeys"). Another user's passkey is simply not found. Removing one revokes nothing else.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { conflict, notFound } from '../http/problem.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import { listPasskeys, removePasskey, renamePasskey } from '../identity/passkeys/store.js'
import {
  PasskeyIdParam,
  PasskeyListSchema,
  PasskeySchema,
  RenamePasskeyBody,
  toPasskeyJson,
} from './passkey-schemas.js'
import { accountRoute } from './shared.js'

export type PasskeysDeps = { db: Db; audit: AuditLog }

export function passkeysRouter({ db, audit }: PasskeysDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const listRoute = createRoute({
    ...accountRoute,
    method: 'get',
    path: '/me/passkeys',
    operationId: 'listMyPasskeys',
    summary: 'List my passkeys',
    description: 'Newest first.',
    responses: { 200: jsonResponse(PasskeyListSchema, 'My passkeys'), ...errors(401) },
  })
  router.openapi(listRoute, async (c) => {
    const rows = await listPasskeys(db, c.var.caller.userId)
    c.header('Cache-Control', 'no-store')
    return c.json({ items: rows.map(toPasskeyJson) }, 200)
  })

  const renameRoute = createRoute({
    ...accountRoute,
    method: 'patch',
    path: '/me/passkeys/{id}',
    operationId: 'renameMyPasskey',
    summary: 'Rename one of my passkeys',
    middleware: [jsonBody] as const,
    request: { params: PasskeyIdParam, body: jsonRequest(RenamePasskeyBody) },
    responses: { 200: jsonResponse(PasskeySchema, 'Renamed'), ...errors(400, 401, 404, 413, 415, 422) },
  })
  router.openapi(renameRoute, async (c) => {
    const { id } = c.req.valid('param')
    const { name } = c.req.valid('json')
    const { userId } = c.var.caller
    const row = await renamePasskey(db, userId, id, name)
    if (!row) throw notFound('passkey')
    await audit.record(userId, 'passkey_renamed')
    return c.json(toPasskeyJson(row), 200)
  })

  const removeRoute = createRoute({
    ...accountRoute,
    method: 'delete',
    path: '/me/passkeys/{id}',
    operationId: 'removeMyPasskey',
    summary: 'Remove one of my passkeys',
    description:
      'It stops signing in. Nothing else is revoked: sessions it began stay (end them at /api/me/sessions). The last passkey of an account without a password is 409.',
    request: { params: PasskeyIdParam },
    responses: { 204: { description: 'Removed' }, ...errors(401, 404, 409) },
  })
  router.openapi(removeRoute, async (c) => {
    const { id } = c.req.valid('param')
    const { userId } = c.var.caller
    const removed = await removePasskey(db, userId, id)
    if (removed === 'not-found') throw notFound('passkey')
    if (removed === 'last-way-in') throw conflict('This passkey is the only way into your account')
    await audit.record(userId, 'passkey_removed')
    return c.body(null, 204)
  })

  return router
}
