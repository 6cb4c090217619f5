/**
 * GET /api/me with a session token: what authenticating by session costs per request (a session
 * and a user lookup), against the list's JWT, verified from memory. Better Auth's own
 * get-session is no longer exposed (decision 017).
 */
import { measure } from '../load.js'
import type { Scenario } from './context.js'

export const session: Scenario = {
  key: 'session',
  server: 'api',
  runsOn: () => true,
  run: ({ api, reader }) =>
    measure('GET /api/me, session token', api.base, [
      { method: 'GET', path: '/api/me', headers: { authorization: `Bearer ${reader.session_token}` } },
    ]),
}
