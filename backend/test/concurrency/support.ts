/**
 * Helpers of the concurrency tests: a user's task API and the checks of parallel answers.
 */
import assert from 'node:assert/strict'
import type { TaskJson } from '../../src/tasks/schemas.js'

export type Task = TaskJson
export type Page = { items: Task[]; next_cursor: string | null }

export const CREATES = 200
export const SIGNUP_RACERS = 10
export const TOGGLES = 21 // odd, so the end state differs from the start
export const WRITERS = 30
export const DELETERS = 10

/** A response body we have read, with its status and media type. */
export type Answer = { status: number; type: string; text: string }

export async function answer(res: Response): Promise<Answer> {
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

export function describeAnswers(answers: Answer[]): string {
  return answers.map((a) => `${a.status} ${a.text.slice(0, 200)}`).join('\n')
}

/** Every answer is below 500; refusals are problem documents with the status in the body. */
export function assertNo5xx(answers: Answer[], what: string) {
  for (const a of answers) {
    assert.ok(a.status < 500, `${what}: got a ${a.status}:\n${describeAnswers(answers)}`)
    if (a.status >= 400) {
      assert.match(a.type, /^application\/problem\+json/, `${what}: ${a.status} is a problem document`)
      const body = JSON.parse(a.text) as { status?: unknown; title?: unknown }
      assert.equal(body.status, a.status, `${what}: problem status`)
      assert.equal(typeof body.title, 'string', `${what}: problem title`)
    }
  }
}

export function count(answers: Answer[], status: number): number {
  return answers.filter((a) => a.status === status).length
}
