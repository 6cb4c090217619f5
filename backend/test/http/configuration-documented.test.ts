/**
 * README "Configuration" lists every variable the API reads: an operator learns of a setting
 * there or not at all.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { CONFIG_VARIABLES } from '../../src/config.js'

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')

describe('README "Configuration"', () => {
  it('has a row for every variable the API reads', () => {
    const rows = new Set([...README.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]))
    const missing = CONFIG_VARIABLES.filter((name) => !rows.has(name))
    assert.ok(CONFIG_VARIABLES.length > 30, 'the variables were found')
    assert.deepEqual(missing, [], `variables without a row in README's configuration tables: ${missing.join(', ')}`)
  })
})
