/** Wire shapes of the passkey routes under /api/me/passkeys (API.md "Passkeys"). */
import { z } from '@hono/zod-openapi'
import { CreationOptionsSchema, RegistrationResponseSchema } from '../identity/passkeys/credential-json.js'
import type { PasskeyRow } from '../identity/passkeys/store.js'
import { oneLineName } from '../identity/rules.js'

export const PASSKEY_NAME_MAX_LENGTH = 64
export const DEFAULT_PASSKEY_NAME = 'Passkey'

const timestamp = z.string().openapi({ format: 'date-time' })

/** Shown in lists and in mail, under the same rules as a user's name, shorter. */
const passkeyNameField = oneLineName(PASSKEY_NAME_MAX_LENGTH, 'MacBook Touch ID')

export const PasskeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    created_at: timestamp,
    last_used_at: timestamp.nullable().openapi({ description: 'Last sign-in with it; null until then' }),
    backup_eligible: z.boolean().openapi({ description: 'Synced passkey (may be copied to other devices)' }),
    backed_up: z.boolean().openapi({ description: 'Synced at its last use' }),
  })
  .openapi('Passkey')

export type PasskeyJson = z.infer<typeof PasskeySchema>

export const toPasskeyJson = (row: PasskeyRow): PasskeyJson => ({
  id: row.id,
  name: row.name,
  created_at: row.createdAt.toISOString(),
  last_used_at: row.lastUsedAt?.toISOString() ?? null,
  backup_eligible: row.backupEligible,
  backed_up: row.backedUp,
})

export const PasskeyListSchema = z.object({ items: z.array(PasskeySchema) }).openapi('PasskeyList')

export const PasskeyRegistrationOptionsSchema = z
  .object({
    options: CreationOptionsSchema,
    expires_at: timestamp.openapi({ description: 'Answer with POST /api/me/passkeys before this' }),
  })
  .openapi('PasskeyRegistrationOptions')

export const AddPasskeyBody = z
  .object({
    credential: RegistrationResponseSchema,
    name: passkeyNameField.optional().openapi({ description: `Default "${DEFAULT_PASSKEY_NAME}"` }),
  })
  .strict()
  .openapi('AddPasskeyRequest')

export const RenamePasskeyBody = z.object({ name: passkeyNameField }).strict().openapi('RenamePasskeyRequest')

export const PasskeyIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
})
