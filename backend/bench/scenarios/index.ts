/** Every scenario, in the order a run measures them. */
import { bare } from './bare.js'
import type { Scenario } from './context.js'
import { create } from './create.js'
import { flood } from './flood.js'
import { list } from './list.js'
import { origin, originApi } from './origin.js'
import { session } from './session.js'

/** The API's scenarios run first; then npm start's server, with the API stopped (context.ts). */
export const SCENARIOS: Scenario[] = [list, bare, create, session, flood, originApi, origin]
