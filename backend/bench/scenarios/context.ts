/** What every scenario of a run is given: the servers, the users, and the request they measure. */
import type { Target } from '../../testkit/databases.js'
import type { ServerProcess } from '../../testkit/server-process.js'
import type { LoadRequest } from '../load.js'
import type { Result } from '../report.js'
import type { Session } from '../users.js'

export type Context = {
  target: Target
  api: ServerProcess
  /** The web app's production server in front of `api`, when the run measures the origin. */
  web: ServerProcess | undefined
  /** The listed user: 50 tasks of their own among 100,000 of others. */
  reader: Session
  /** The list request every list scenario sends: the reader's 50 tasks, with their access token. */
  list: LoadRequest
  /** 50 users who create (one per connection's worth of load), so no user's version row is a queue. */
  writers: Session[]
  /** A run's earlier results by scenario key, for scenarios measured beside another (the origin beside the list). */
  results: Map<string, Result>
}

export type Scenario = {
  /** What `--only` names it by. */
  key: string
  /** Whether it runs on this database (the bare baseline needs PostgreSQL: PGlite is one process). */
  runsOn(ctx: Pick<Context, 'target'>): boolean
  run(ctx: Context): Promise<Result>
}
