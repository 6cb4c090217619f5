/**
 * The browser's own WebAuthn JSON (WebAuthn L3 `RegistrationResponseJSON`,
 * `AuthenticationResponseJSON` and the two options dictionaries), camelCase as `toJSON()` and
 * `parse…OptionsFromJSON()` have them (API.md "Second factors"). Unknown members inside them are
 * ignored. A credential is "WebAuthn JSON" when its members are there, its binary members are
 * base64url, its clientDataJSON is a JSON object and its CBOR decodes; whether it proves
 * anything is for relying-party.ts to say. Decoding is SimpleWebAuthn's, never ours.
 */
import { type Hook, z } from '@hono/zod-openapi'
import {
  decodeAttestationObject,
  decodeClientDataJSON,
  isoBase64URL,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers'
import type { ZodError } from 'zod'
import type { AppEnv } from '../../http/env.js'
import { type FieldError, unprocessable } from '../../http/problem.js'
import { fieldErrors } from '../../http/validation.js'

/** RFC 4648 §5 without padding, in its one canonical spelling (so a credential id has one name). */
export function isBase64url(value: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(value) && isoBase64URL.fromBuffer(isoBase64URL.toBuffer(value)) === value
}

const base64url = (what: string) =>
  z
    .string()
    .min(1, `${what} is required`)
    .refine(isBase64url, `${what} must be base64url (no padding)`)
    .openapi({ format: 'base64url' })

/** What the client says it did (WebAuthn §5.8.1), read from `clientDataJSON`. */
export type ClientData = {
  type: string
  challenge: string
  origin: string
  crossOrigin?: boolean
  topOrigin?: string
}

const ClientDataShape = z.looseObject({
  type: z.string(),
  challenge: z.string(),
  origin: z.string(),
  crossOrigin: z.boolean().optional(),
  topOrigin: z.string().optional(),
})

/** The client data of a credential whose members were checked; null when it is not a JSON object of that shape. */
export function readClientData(clientDataJSON: string): ClientData | null {
  let decoded: unknown
  try {
    decoded = decodeClientDataJSON(clientDataJSON)
  } catch {
    return null
  }
  const parsed = ClientDataShape.safeParse(decoded)
  return parsed.success ? parsed.data : null
}

/** Whether `authData` is authenticator data SimpleWebAuthn can read (length, CBOR of key and extensions). */
function readableAuthenticatorData(authData: Uint8Array<ArrayBuffer>): boolean {
  try {
    parseAuthenticatorData(authData)
    return true
  } catch {
    return false
  }
}

function readableAttestationObject(attestationObject: string): boolean {
  try {
    const decoded: unknown = decodeAttestationObject(isoBase64URL.toBuffer(attestationObject))
    if (!(decoded instanceof Map)) return false
    const authData: unknown = decoded.get('authData')
    return (
      typeof decoded.get('fmt') === 'string' &&
      decoded.get('attStmt') instanceof Map &&
      authData instanceof Uint8Array &&
      readableAuthenticatorData(new Uint8Array(authData))
    )
  } catch {
    return false
  }
}

type Ctx = z.core.$RefinementCtx
const flag = (ctx: Ctx, path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message })

const checkClientData = (clientDataJSON: string, ctx: Ctx) => {
  if (!readClientData(clientDataJSON)) {
    flag(ctx, ['response', 'clientDataJSON'], 'clientDataJSON must be a JSON object with type, challenge and origin')
  }
}

/** Members every `PublicKeyCredential` JSON has. */
const credentialMembers = {
  id: base64url('id'),
  rawId: base64url('rawId'),
  type: z.literal('public-key'),
  clientExtensionResults: z.looseObject({}).optional(),
  authenticatorAttachment: z.string().nullable().optional(),
}

export const RegistrationResponseSchema = z
  .looseObject({
    ...credentialMembers,
    response: z.looseObject({
      clientDataJSON: base64url('clientDataJSON'),
      attestationObject: base64url('attestationObject'),
      transports: z.array(z.string()).optional(),
    }),
  })
  .superRefine((credential, ctx) => {
    checkClientData(credential.response.clientDataJSON, ctx)
    if (!readableAttestationObject(credential.response.attestationObject)) {
      flag(ctx, ['response', 'attestationObject'], 'attestationObject must be CBOR with fmt, attStmt and authData')
    }
  })
  .openapi('RegistrationResponseJSON', {
    description: "WebAuthn L3 RegistrationResponseJSON: the browser's `credential.toJSON()` after `create()`",
  })

export const AuthenticationResponseSchema = z
  .looseObject({
    ...credentialMembers,
    response: z.looseObject({
      clientDataJSON: base64url('clientDataJSON'),
      authenticatorData: base64url('authenticatorData'),
      signature: base64url('signature'),
      // Optional in the JSON; a passkey sign-in without it is refused as a failed check.
      userHandle: base64url('userHandle').optional(),
    }),
  })
  .superRefine((credential, ctx) => {
    checkClientData(credential.response.clientDataJSON, ctx)
    if (!readableAuthenticatorData(isoBase64URL.toBuffer(credential.response.authenticatorData))) {
      flag(ctx, ['response', 'authenticatorData'], 'authenticatorData is not authenticator data')
    }
  })
  .openapi('AuthenticationResponseJSON', {
    description: "WebAuthn L3 AuthenticationResponseJSON: the browser's `credential.toJSON()` after `get()`",
  })

export type RegistrationResponse = z.infer<typeof RegistrationResponseSchema>
export type AuthenticationResponse = z.infer<typeof AuthenticationResponseSchema>

const CredentialDescriptorSchema = z
  .object({ id: z.string(), type: z.literal('public-key'), transports: z.array(z.string()).optional() })
  .openapi('PublicKeyCredentialDescriptorJSON')

export const CreationOptionsSchema = z
  .object({
    rp: z.object({ id: z.string(), name: z.string() }),
    user: z.object({
      id: z.string().openapi({ description: 'The user handle: 32 random bytes, base64url' }),
      name: z.string(),
      displayName: z.string(),
    }),
    challenge: z.string(),
    pubKeyCredParams: z.array(z.object({ alg: z.number().int(), type: z.literal('public-key') })),
    timeout: z.number().int().openapi({ description: 'Milliseconds: the life of the challenge' }),
    attestation: z.literal('none'),
    authenticatorSelection: z.object({
      residentKey: z.literal('required'),
      requireResidentKey: z.literal(true),
      userVerification: z.literal('required'),
    }),
    excludeCredentials: z.array(CredentialDescriptorSchema),
    extensions: z.object({ credProps: z.literal(true) }),
  })
  .openapi('PublicKeyCredentialCreationOptionsJSON', {
    description: 'For `PublicKeyCredential.parseCreationOptionsFromJSON()`',
  })

export const RequestOptionsSchema = z
  .object({
    challenge: z.string(),
    rpId: z.string(),
    timeout: z.number().int().openapi({ description: 'Milliseconds: the life of the challenge' }),
    userVerification: z.literal('required'),
    allowCredentials: z.array(CredentialDescriptorSchema).max(0).openapi({ description: 'Empty: any passkey of ours' }),
  })
  .openapi('PublicKeyCredentialRequestOptionsJSON', {
    description: 'For `PublicKeyCredential.parseRequestOptionsFromJSON()`',
  })

export type CreationOptions = z.infer<typeof CreationOptionsSchema>
export type RequestOptions = z.infer<typeof RequestOptionsSchema>

/**
 * `defaultHook` of the routes that take a `credential`: every problem inside it is reported on
 * the field `credential` (API.md), its member named in the message; other fields as usual.
 */
export const rejectInvalidCredential: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return
  const errors: FieldError[] = []
  for (const { field, message } of fieldErrors(result.error as ZodError)) {
    const inside = field.startsWith('credential.') ? field.slice('credential.'.length) : null
    errors.push(inside === null ? { field, message } : { field: 'credential', message: `${inside}: ${message}` })
  }
  throw unprocessable(errors)
}
