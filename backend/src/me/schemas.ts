/** Wire shapes of the account routes (decision 009): validation, types and OpenAPI from one place. */
import { z } from '@hono/zod-openapi'
import { AUDIT_ACTIONS } from '../audit/audit-log.js'
import { UserSchema } from '../auth/schemas.js'
import { limitParam } from '../http/validation.js'
import { currentPasswordField, emailField, nameField, newPasswordField } from '../identity/rules.js'

/** Mailed tokens are URL-safe (reset: an id; verification: a JWT); nothing else may reach a query. */
const token = z
  .string()
  .min(1, 'Token is required')
  .max(4096, 'Token is too long')
  .regex(/^[\w.~-]+$/, 'This link is invalid or has expired')
  .openapi({ description: 'From the `#token=` part of the mailed link' })

const timestamp = z.string().openapi({ format: 'date-time' })

export const EmailBody = z.object({ email: emailField }).strict().openapi('EmailRequest')

export const VerifyEmailBody = z.object({ token }).strict().openapi('VerifyEmailRequest')

export const resetConfirmBody = (minPasswordLength: number) =>
  z
    .object({ token, new_password: newPasswordField(minPasswordLength) })
    .strict()
    .openapi('PasswordResetConfirmRequest')

export const changePasswordBody = (minPasswordLength: number) =>
  z
    .object({ current_password: currentPasswordField, new_password: newPasswordField(minPasswordLength) })
    .strict()
    .openapi('ChangePasswordRequest')

export const UpdateMeBody = z.object({ name: nameField }).strict().openapi('UpdateMeRequest')

export const DeleteMeBody = z.object({ password: currentPasswordField }).strict().openapi('DeleteAccountRequest')

export const AcceptedSchema = z
  .object({ detail: z.string().openapi({ example: 'If that account exists, we sent it a link.' }) })
  .openapi('Accepted')

export const UserResultSchema = z.object({ user: UserSchema }).openapi('UserResult')

export const SessionSchema = z
  .object({
    id: z.string(),
    current: z.boolean().openapi({ description: 'The session this request was made with' }),
    user_agent: z.string().nullable(),
    ip_address: z.string().nullable(),
    created_at: timestamp,
    last_used_at: timestamp.openapi({ description: 'Last sign-in or access-token renewal' }),
    expires_at: timestamp,
  })
  .openapi('Session')

export const SessionListSchema = z.object({ items: z.array(SessionSchema) }).openapi('SessionList')

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
