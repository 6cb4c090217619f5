/**
 * Creating tasks at 50 connections spread over 50 users: each request is the next user's (their
 * path and access token), so creates do not queue on one user's list-version row as they would
 * for one user (decision 010). On PGlite a monitor polls /healthz meanwhile.
 */
import { measure } from '../load.js'
import { HEALTHZ_MONITOR } from '../settings.js'
import type { Scenario } from './context.js'

export const create: Scenario = {
  key: 'create',
  server: 'api',
  runsOn: () => true,
  run: ({ target, api, writers }) =>
    measure(
      `create task, ${writers.length} users`,
      api.base,
      writers.map((w) => ({
        method: 'POST',
        path: `/api/${w.user.id}/tasks`,
        headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Benchmark task', tags: ['bench'] }),
      })),
      { monitor: target.url ? undefined : HEALTHZ_MONITOR },
    ),
}
