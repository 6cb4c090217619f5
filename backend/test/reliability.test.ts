/**
 * Fault injection, small (the full runs are `npm run reliability`, reliability/run.ts):
 * real server processes, real databases, faults from outside.
 *
 * 1. kill -9 while creating tasks, once per driver: every task answered 201 is there after the restart;
 * 2. a private PostgreSQL cluster stops under load and starts again: fast 503 problem+json with
 *    Retry-After, /readyz 503, recovery without a restart, revocation across instances afterwards;
 * 3. rolling restart of two instances: a retrying client sees no failure; the stopped one drains and exits 0.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { probeCluster } from '../reliability/cluster.js'
import { type ScenarioResult, summaryOf, titleOf } from '../reliability/report.js'
import { crashDurability } from '../reliability/scenarios/crash-durability.js'
import { databaseOutage } from '../reliability/scenarios/database-outage.js'
import { rollingRestart } from '../reliability/scenarios/rolling-restart.js'

const PG_URL = process.env.TEST_DATABASE_URL
const NEEDS_PG = PG_URL ? false : 'needs PostgreSQL: set TEST_DATABASE_URL'
const cluster = probeCluster()
const NEEDS_CLUSTER = cluster.ok ? false : `needs a private PostgreSQL cluster: ${cluster.reason}`
const TIMEOUT = { timeout: 60_000 }

function assertBehaved(result: ScenarioResult, diagnostic: (message: string) => void) {
  diagnostic(summaryOf(result))
  assert.deepEqual(result.violations, [], `${titleOf(result)} misbehaved`)
}

describe('kill -9 under a create load', () => {
  it('loses no acknowledged task (PGlite)', TIMEOUT, async (t) => {
    const result = await crashDurability({ driver: 'pglite', cycles: 1, loops: 4, killAfterMs: [300, 800] })
    assertBehaved(result, (m) => t.diagnostic(m))
    assert.ok(result.acknowledged > 0, 'some creates were acknowledged before the kill')
    assert.equal(result.lost, 0)
  })

  it('loses no acknowledged task (PostgreSQL)', { ...TIMEOUT, skip: NEEDS_PG }, async (t) => {
    const result = await crashDurability({
      driver: 'pg',
      adminUrl: PG_URL as string,
      shareOnFailure: true,
      cycles: 1,
      loops: 4,
      killAfterMs: [300, 800],
    })
    assertBehaved(result, (m) => t.diagnostic(m))
    assert.ok(result.acknowledged > 0, 'some creates were acknowledged before the kill')
    assert.equal(result.lost, 0)
  })
})

describe('database outage (a private PostgreSQL cluster)', { skip: NEEDS_CLUSTER }, () => {
  it(
    'fails fast with 503, recovers by itself, revocation reaches the other instance afterwards, and an open live-sync stream survives with resync',
    TIMEOUT,
    async (t) => {
      if (!cluster.ok) return
      const result = await databaseOutage({
        probe: cluster,
        outageMs: 1_500,
        loopsPerInstance: 3,
        warmMs: 500,
        stopMode: 'fast',
      })
      assertBehaved(result, (m) => t.diagnostic(m))
      const m = result.metrics
      assert.ok((m.requestsWhileDown ?? 0) > 0, 'requests flowed while the database was down')
      assert.ok((m.readyzWhileDown ?? 0) > 0, '/readyz was asked while the database was down')
      assert.ok((m.worstMsInOutage ?? Number.POSITIVE_INFINITY) <= 1_000, 'every request answered within 1 s')
      assert.ok((m.recoveryMs ?? Number.POSITIVE_INFINITY) <= 5_000, 'recovered within 5 s')
      assert.ok((m.revocationMaxMs ?? Number.POSITIVE_INFINITY) <= 1_000, 'revocation within 1 s after recovery')
      assert.ok((m.streamResyncMs ?? Number.POSITIVE_INFINITY) <= 5_000, 'a live-sync stream got resync within 5 s')
    },
  )
})

describe('rolling restart (PostgreSQL)', { skip: NEEDS_PG }, () => {
  it('no request fails; the stopped instance answers what it had in flight and exits 0', TIMEOUT, async (t) => {
    const [routed, plain] = await rollingRestart({
      adminUrl: PG_URL as string,
      shareOnFailure: true,
      loopsPerClient: 3,
      restarts: ['A'],
      warmMs: 500,
      settleMs: 500,
    })
    assert.ok(routed && plain, 'one result per client')
    // A client that routes by /readyz, as a load balancer does: not one failure.
    assertBehaved(routed, (m) => t.diagnostic(m))
    assert.equal(routed.metrics.failed, 0)
    assert.ok((routed.metrics.inFlight ?? 0) >= 1, 'at least the slow upload was in flight at SIGTERM')
    // A client that keeps sending blindly: its GETs are retried, so only a POST caught in the
    // listener's accept queue at the moment it closes may fail; nothing else.
    assertBehaved(plain, (m) => t.diagnostic(m))
    assert.equal(plain.metrics.failed, plain.metrics.acceptQueueResets)
  })
})
