/** Shared OpenAPI pieces: the problem document and the error responses routes declare. */
import { z } from '@hono/zod-openapi'

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Unprocessable Content' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().optional(),
    code: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem')

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
})

/** Error responses by status, for `responses: { ...errors(400, 422) }`. */
const ERROR_DESCRIPTIONS = {
  400: 'Malformed JSON or not UTF-8',
  401: 'Missing, invalid, expired or revoked credentials',
  403: 'Authenticated but not allowed',
  404: 'Not found (or not yours)',
  409: 'Conflict',
  413: 'Body larger than the limit (64 KiB by default)',
  415: 'Body is not application/json',
  422: 'Invalid fields; `errors` lists every one',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency is down; see Retry-After',
} as const

/**
 * What the HTTP server itself answers to any request whose headers are over its limit
 * (http/listen.ts `maxHeaderSize`), before the app sees it: for routes that take no input
 * and so have no 4xx of their own, such as the probes.
 */
export const headersTooLarge = {
  431: { description: 'Request headers larger than the server accepts; answered before the app, with no body' },
} as const

export function errors(...statuses: (keyof typeof ERROR_DESCRIPTIONS)[]) {
  return Object.fromEntries(statuses.map((s) => [s, problem(ERROR_DESCRIPTIONS[s])]))
}

/** A JSON request body declared for OpenAPI (validation happens in the route). */
export const jsonRequest = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export const bearerSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }]
