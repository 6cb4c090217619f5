/**
 * Fuzzing sign-up (ours and Better Auth's): no 5xx; a refused body stores nothing, an accepted one stores the user.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import { describeFuzzing, SIGNUP_EXAMPLES, SIGNUP_FIELDS, show, signupChecked, validEmail } from './app.js'
import { anyBody, contentType, printable } from './arbitraries.js'
import { fuzz, RUNS } from './run.js'

describeFuzzing((t) => {
  it('POST /api/auth/signup: any body → no 5xx; refused stores nothing, accepted stores the user', async () => {
    await fuzz(
      fc.asyncProperty(anyBody(SIGNUP_FIELDS), contentType, async (body, type) => {
        await signupChecked({ method: 'POST', path: '/api/auth/signup', headers: { 'content-type': type }, body }, true)
      }),
      RUNS,
      SIGNUP_EXAMPLES,
    )
  })

  it('POST /api/auth/signup: well-formed bodies are accepted', async () => {
    await fuzz(
      fc.asyncProperty(
        validEmail,
        fc.string({ unit: 'grapheme-ascii', minLength: 16, maxLength: 64 }),
        fc.option(printable(1, 50), { nil: undefined }),
        async (email, password, name) => {
          const req = {
            method: 'POST',
            path: '/api/auth/signup',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password, ...(name === undefined ? {} : { name }) }),
          }
          const a = await signupChecked(req, true)
          assert.equal(a.status, 201, `${show(req)} → ${a.text}`)
        },
      ),
      30,
    )
  })

  it("POST /api/auth/sign-up/email (Better Auth's): any body → no 5xx; refused stores nothing", async () => {
    await fuzz(
      fc.asyncProperty(anyBody(SIGNUP_FIELDS), contentType, async (body, type) => {
        const req = {
          method: 'POST',
          path: '/api/auth/sign-up/email',
          headers: { 'content-type': type, origin: t.config.publicUrl },
          body,
        }
        await signupChecked(req, false)
      }),
      RUNS,
      SIGNUP_EXAMPLES,
    )
  })
})
