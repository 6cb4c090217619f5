import { describe, expect, it } from 'vitest'
import { safeNext } from './safe-next'

describe('safeNext()', () => {
  it('keeps same-site paths with their query and hash', () => {
    expect(safeNext('/account')).toBe('/account')
    expect(safeNext('/tasks?filter=open#top')).toBe('/tasks?filter=open#top')
  })

  it.each([
    null,
    undefined,
    '',
    'tasks',
    'https://evil.example/',
    '//evil.example',
    '//evil.example/tasks',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'javascript:alert(1)',
    // Dot segments that collapse into a protocol-relative path.
    '/.//evil.example',
    '/%2e//evil.example',
    '/a/..//evil.example',
  ])('refuses %j', (raw) => {
    expect(safeNext(raw)).toBeNull()
  })
})
