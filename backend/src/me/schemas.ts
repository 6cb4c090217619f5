/** Wire shapes of the account routes (decision 009): validation, types and OpenAPI from one place. */
import { z } from '@hono/zod-openapi'
import { AUDIT_ACTIONS } from '../audit/audit-log.js'
import { limitParam } from '../http/validation.js'
import { currentPasswordField, nameField, newPasswordField } from '../identity/rules.js'

const timestamp = z.string().openapi({ format: 'date-time' })

export const changePasswordBody = (minPasswordLength: number) =>
  z
    .object({ current_password: currentPasswordField, new_password: newPasswordField(minPasswordLength) })
    .strict()
    .openapi('ChangePasswordRequest')

export const UpdateMeBody = z.object({ name: nameField }).strict().openapi('UpdateMeRequest')

export const DeleteMeBody = z.object({ password: currentPasswordField }).strict().openapi('DeleteAccountRequest')

export const SessionSchema = z
  .object({
    id: z.string(),
    current: z.boolean().openapi({ description: 'The session this request was made with' }),
    user_agent: z.string().nullable(),
    ip_address: z.string().nullable(),
    created_at: timestamp,
    last_used_at: timestamp.openapi({ description: 'Last sign-in or access-token renewal' }),
    expires_at: timestamp.openapi({
      description: 'When it ends unless used again: the earlier of its sliding expiry and its absolute end',
    }),
  })
  .openapi('Session')

export const SessionListSchema = z
  .object({
    items: z.array(SessionSchema),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null at the end' }),
  })
  .openapi('SessionList')

export const SessionsQuery = z
  .object({
    limit: limitParam(100, 50),
    cursor: z.string().max(1024, 'cursor is not valid').optional(),
  })
  .strict()

export const SessionIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

export const RevokedSchema = z.object({ revoked: z.number().int() }).openapi('Revoked')

export const EventsQuery = z.object({ limit: limitParam(100, 20) }).strict()

export const AuditEventSchema = z
  .object({
    id: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    ip_address: z.string().nullable(),
    user_agent: z.string().nullable(),
    created_at: timestamp,
  })
  .openapi('SecurityEvent')

export const AuditEventListSchema = z.object({ items: z.array(AuditEventSchema) }).openapi('SecurityEventList')
