/** Wire shapes of the second-factor routes under /api/me/2fa (API.md "TOTP and recovery codes"). */
import { z } from '@hono/zod-openapi'
import { currentPasswordField, secondFactorBody, totpCodeField } from '../identity/rules.js'
import { RECOVERY_CODES_PER_SET } from '../identity/second-factor/recovery-codes.js'

const timestamp = z.string().openapi({ format: 'date-time' })

export const TwoFactorStatusSchema = z
  .object({
    totp_enabled: z.boolean(),
    totp_enabled_at: timestamp.nullable(),
    recovery_codes_remaining: z.number().int(),
    passkey_count: z.number().int(),
  })
  .openapi('TwoFactorStatus')

export const PasswordBody = z.object({ password: currentPasswordField }).strict().openapi('PasswordConfirmation')

export const TotpEnrolmentSchema = z
  .object({
    secret: z.string().openapi({ description: 'Base32 (RFC 4648, upper case, no padding), for typing into an app' }),
    otpauth_uri: z.string().openapi({ description: 'Key URI Format, for a QR code' }),
    expires_at: timestamp.openapi({ description: 'Confirm with a code before this' }),
  })
  .openapi('TotpEnrolment')

export const TotpConfirmBody = z.object({ code: totpCodeField }).strict().openapi('TotpConfirmRequest')

export const RecoveryCodesSchema = z
  .object({
    recovery_codes: z
      .array(z.string().openapi({ example: 'abcde-12345' }))
      .length(RECOVERY_CODES_PER_SET)
      .openapi({ description: 'Shown this once; each works once' }),
  })
  .openapi('RecoveryCodes')

export const ReauthenticatedSecondFactorBody = secondFactorBody({ password: currentPasswordField }).openapi(
  'PasswordAndSecondFactor',
)
