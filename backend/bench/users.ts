/** The benchmark's users: signed up through the API, as a client would. */
import { randomUUID } from 'node:crypto'
import { createTaskOk, fetchTaskClient } from '../testkit/task-client.js'

export type Session = { user: { id: string }; token: string; session_token: string }

export async function signup(base: string): Promise<Session> {
  const res = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${randomUUID()}@example.com`, password: 'benchmark passphrase 1' }),
  })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status}`)
  return (await res.json()) as Session
}

/** `count` users, a few sign-ups at a time (each hashes a password). */
export async function signupMany(base: string, count: number): Promise<Session[]> {
  const users: Session[] = []
  while (users.length < count) {
    const batch = Math.min(4, count - users.length)
    users.push(...(await Promise.all(Array.from({ length: batch }, () => signup(base)))))
  }
  return users
}

export async function createTasks(base: string, who: Session, count: number) {
  const client = fetchTaskClient(base, { userId: who.user.id, token: who.token })
  for (let i = 0; i < count; i++) await createTaskOk(client, { title: `Task ${i}` })
}

/**
 * A fresh access token for `who`'s session from the server at `base`, naming that server's
 * PUBLIC_URL (iss, aud). Not a sign-in: the flood scenario has used up this address's sign-ins.
 */
export async function tokenFrom(base: string, who: Session): Promise<string> {
  const res = await fetch(`${base}/api/auth/token`, { headers: { authorization: `Bearer ${who.session_token}` } })
  if (res.status !== 200) throw new Error(`/api/auth/token failed: ${res.status}`)
  return ((await res.json()) as { token: string }).token
}
