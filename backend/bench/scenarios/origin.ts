/**
 * `npm start`'s server (one process: the web app, with the API inside it): the task list through
 * its web port (the URL `npm start` prints, and the path the browser uses), and the same list
 * straight to the API's own port of that process, just before. The target is their ratio.
 */
import { measure } from '../load.js'
import type { NpmStart, Scenario } from './context.js'

/** The list sent to one of npm start's ports. */
function listAt(key: string, name: string, port: (server: NpmStart) => string): Scenario {
  return {
    key,
    server: 'npm start',
    runsOn: () => true,
    async run({ npmStart, list }) {
      if (!npmStart) throw new Error("the origin scenarios need npm start's server started")
      return measure(name, port(npmStart), [list])
    },
  }
}

export const originApi = listAt('origin-api', "task list, npm start's API port", (s) => s.api)
export const origin = listAt('origin', "task list, through npm start's web port (the web app's origin)", (s) => s.web)
