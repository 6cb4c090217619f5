/**
 * Fuzzing sign-in (ours and Better Auth's): no 5xx, and only the right password signs in.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import type { SignedIn } from '../support/harness.js'
import { describeFuzzing, send, show } from './app.js'
import { adversarialString, anyBody, contentType, isJsonType, parseObject } from './arbitraries.js'
import { assertWellFormed } from './checks.js'
import { fuzz, RUN } from './run.js'

describeFuzzing((t) => {
  describe('sign-in', () => {
    let ann: SignedIn
    before(async () => {
      ann = await t.signup({ email: `fz-${RUN}-signin@example.com`, password: 'Correct Horse 42 Battery' })
    })
    const emailFor = (shape: string) => {
      switch (shape) {
        case 'exact':
          return ann.user.email
        case 'upper':
          return ann.user.email.toUpperCase()
        case 'padded':
          return ` ${ann.user.email} `
        default:
          return `fz-${RUN}-nobody@example.com`
      }
    }
    const passwordFor = (shape: string) =>
      shape === 'right' ? ann.password : shape === 'case' ? ann.password.toLowerCase() : `${ann.password} `

    for (const [route, path] of [
      ['POST /api/auth/signin', '/api/auth/signin'],
      ["POST /api/auth/sign-in/email (Better Auth's)", '/api/auth/sign-in/email'],
    ] as const) {
      const ours = path === '/api/auth/signin'
      it(`${route}: any body → no 5xx, and only the right password signs in`, async () => {
        const fields: Record<string, fc.Arbitrary<unknown>> = {
          email: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom('exact', 'upper', 'padded', 'unknown').map(emailFor) },
            adversarialString,
          ),
          password: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom('right', 'case', 'space').map(passwordFor) },
            adversarialString,
          ),
        }
        await fuzz(
          fc.asyncProperty(anyBody(fields), contentType, async (body, type) => {
            const req = {
              method: 'POST',
              path,
              headers: { 'content-type': type, ...(ours ? {} : { origin: t.config.publicUrl }) },
              body,
            }
            const a = await send(req)
            const where = show(req)
            assertWellFormed(a, where, ours)
            const input = parseObject(body)
            const rightEmail = typeof input?.email === 'string' && input.email.trim().toLowerCase() === ann.user.email
            const right =
              rightEmail && typeof input?.password === 'string' && input.password.normalize('NFKC') === ann.password
            if (a.status === 200) {
              assert.ok(right, `signed in without the right credentials: ${where}`)
              assert.equal((JSON.parse(a.text) as { user: { id: string } }).user.id, ann.user.id, where)
            }
            // A well-formed body with the right email and password signs in.
            const wellFormed =
              isJsonType(type) &&
              Object.keys(input ?? {})
                .sort()
                .join() === 'email,password'
            if (ours && wellFormed && right) assert.equal(a.status, 200, `${where} → ${a.text}`)
            // Known shape, wrong secret: the one 401 that says nothing about the account.
            if (ours && wellFormed && typeof input?.email === 'string' && !right) {
              const known = ['exact', 'upper', 'padded', 'unknown'].map(emailFor).includes(input.email)
              const password = input.password
              if (known && typeof password === 'string' && password.length > 0 && password.length <= 4096) {
                assert.equal(a.status, 401, `${where} → ${a.text}`)
                assert.equal((JSON.parse(a.text) as { detail: string }).detail, 'Invalid email or password')
              }
            }
          }),
        )
      })
    }
  })

  // -- Account (decision 009) ------------------------------------------------------------
})
