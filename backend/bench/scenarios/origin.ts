/**
 * The task list through the web app's origin (the URL `npm start` serves, and the path the
 * browser uses): the web app's production server proxies /api/* to the API. Compared with the
 * list straight to the API in the same run.
 */
import { measure } from '../load.js'
import type { Scenario } from './context.js'

export const origin: Scenario = {
  key: 'origin',
  runsOn: () => true,
  async run({ web, list }) {
    if (!web) throw new Error('the origin scenario needs the web app started')
    return measure("task list, through the web app's origin", web.base, [list])
  },
}
