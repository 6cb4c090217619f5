/** Every scenario, in the order a run measures them. */
import { bare } from './bare.js'
import type { Scenario } from './context.js'
import { create } from './create.js'
import { flood } from './flood.js'
import { list } from './list.js'
import { origin } from './origin.js'
import { session } from './session.js'

export const SCENARIOS: Scenario[] = [list, bare, create, origin, session, flood]
