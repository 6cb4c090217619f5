/**
 * The task list straight to the API, 50 connections on one user's cached page (decision 010).
 * Meanwhile the API's resident memory is sampled (the bound is for this load), and on
 * PGlite a monitor polls /healthz: the embedded database must not stall the event loop.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { measure } from '../load.js'
import { procMb } from '../processes.js'
import type { Memory } from '../report.js'
import { HEALTHZ_MONITOR } from '../settings.js'
import type { Scenario } from './context.js'

export const list: Scenario = {
  key: 'list',
  server: 'api',
  runsOn: () => true,
  async run({ target, api, list }) {
    const memory: Memory = { rssMaxMb: 0, hwmMb: 0 }
    const result = await measure('task list, straight to the API', api.base, [list], {
      monitor: target.url ? undefined : HEALTHZ_MONITOR,
      during: async (signal) => {
        while (!signal.aborted) {
          memory.rssMaxMb = Math.max(memory.rssMaxMb, procMb(api.pid, 'VmRSS'))
          await sleep(250)
        }
        memory.hwmMb = procMb(api.pid, 'VmHWM')
      },
    })
    return { ...result, memory }
  },
}
