/** What every scenario of a run is given: the servers, the users, and the request they measure. */
import type { Target } from '../../testkit/databases.js'
import type { ServerProcess } from '../../testkit/server-process.js'
import type { LoadRequest } from '../load.js'
import type { Result } from '../report.js'
import type { Session } from '../users.js'

/** `npm start`'s server (scripts/start-together.mjs): its web port and its API's own port. */
export type NpmStart = { process: ServerProcess; web: string; api: string }

export type Context = {
  target: Target
  /** The server process being measured: the API on its own, or npm start's server in its phase. */
  api: ServerProcess
  /** `npm start`'s server, for the scenarios that measure it (the API is stopped meanwhile). */
  npmStart: NpmStart | undefined
  /** The listed user: 50 tasks of their own among 100,000 of others. */
  reader: Session
  /** The list request every list scenario sends: the reader's 50 tasks, with their access token. */
  list: LoadRequest
  /** 50 users who create (one per connection's worth of load), so no user's version row is a queue. */
  writers: Session[]
}

export type Scenario = {
  /** What `--only` names it by. */
  key: string
  /**
   * What it measures: the API on its own, or `npm start`'s server. The latter's scenarios run
   * after the former's, with the API stopped (PGlite is one process's).
   */
  server: 'api' | 'npm start'
  /** Whether it runs on this database (the bare baseline needs PostgreSQL: PGlite is one process). */
  runsOn(ctx: Pick<Context, 'target'>): boolean
  run(ctx: Context): Promise<Result>
}
