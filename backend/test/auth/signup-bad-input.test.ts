/**
 * POST /api/auth/signup answers bad input of every shape with a clear 4xx and stores nothing.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD } from '../support/harness.js'
import { assertNothingStored, freshEmail, postRaw } from './support.js'

describeWithApp('auth contract', {}, (t) => {
  describe('POST /api/auth/signup', () => {
    it('refuses bad input of every shape with a clear 4xx and stores nothing', async () => {
      const json = { 'content-type': 'application/json' }
      type Case = {
        label: string
        status: number
        fields?: string[]
        send: (email: string, marker: string) => Promise<Response>
      }
      const cases: Case[] = [
        {
          label: 'email as a number',
          status: 422,
          fields: ['email'],
          send: (_email, marker) =>
            t.post('/api/auth/signup', { email: 12345, password: STRONG_PASSWORD, name: marker }),
        },
        {
          label: 'password as an object',
          status: 422,
          fields: ['password'],
          send: (email) => t.post('/api/auth/signup', { email, password: { value: STRONG_PASSWORD } }),
        },
        {
          label: 'name as a boolean',
          status: 422,
          fields: ['name'],
          send: (email) => t.post('/api/auth/signup', { email, password: STRONG_PASSWORD, name: true }),
        },
        {
          label: 'an array instead of an object',
          status: 422,
          send: (email) => t.post('/api/auth/signup', [{ email, password: STRONG_PASSWORD }]),
        },
        { label: 'a null body', status: 422, send: () => postRaw(t, '/api/auth/signup', 'null', json) },
        { label: 'a string body', status: 422, send: (email) => t.post('/api/auth/signup', email) },
        { label: 'an empty body', status: 400, send: () => postRaw(t, '/api/auth/signup', '', json) },
        {
          label: 'a 60 KB name',
          status: 422,
          fields: ['name'],
          send: (email) => t.post('/api/auth/signup', { email, password: STRONG_PASSWORD, name: 'n'.repeat(60_000) }),
        },
        {
          label: 'a body over the 64 KiB limit',
          status: 413,
          send: (email) => t.post('/api/auth/signup', { email, password: STRONG_PASSWORD, name: 'n'.repeat(70_000) }),
        },
        {
          label: 'a NUL byte in the email',
          status: 422,
          fields: ['email'],
          send: (email) =>
            t.post('/api/auth/signup', { email: email.replace('@', '\u0000@'), password: STRONG_PASSWORD }),
        },
        {
          label: 'a NUL byte in the name',
          status: 422,
          fields: ['name'],
          send: (email) => t.post('/api/auth/signup', { email, password: STRONG_PASSWORD, name: 'Ada\u0000Lovelace' }),
        },
        {
          label: 'bytes that are not UTF-8',
          status: 400,
          send: (email) => {
            const enc = new TextEncoder()
            const head = enc.encode(`{"email":"${email}","password":"${STRONG_PASSWORD}","name":"`)
            const tail = enc.encode('"}')
            const body = new Uint8Array([...head, 0xff, 0xfe, ...tail])
            return postRaw(t, '/api/auth/signup', body, json)
          },
        },
        {
          label: '10,000 nested arrays as the name',
          status: 422,
          fields: ['name'],
          send: (email) =>
            postRaw(
              t,
              '/api/auth/signup',
              `{"email":"${email}","password":"${STRONG_PASSWORD}","name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
              json,
            ),
        },
      ]
      for (const c of cases) {
        const { email, marker } = freshEmail('shape')
        const res = await c.send(email, marker)
        const body = await assertProblem(res, c.status).catch((err: Error) => {
          throw new Error(`${c.label}: ${err.message}`)
        })
        if (c.status === 422) assert.ok(body.errors?.length, `${c.label}: no errors listed`)
        if (c.fields) {
          assert.deepEqual(
            [...new Set(body.errors?.map((e) => e.field))],
            c.fields,
            `${c.label}: ${JSON.stringify(body.errors)}`,
          )
        }
        await assertNothingStored(t, marker)
      }
      // The server is still healthy after all that.
      await t.signup()
    })
  })
})
