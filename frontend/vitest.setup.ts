import '@testing-library/jest-dom/vitest'
import { cleanup, configure } from '@testing-library/react'
import { afterEach } from 'vitest'

// findBy*/waitFor give up after this long. The default (1 s) is met on an idle machine, but a
// busy 2-core one (a build or another suite beside these tests) has made a render take longer:
// a test that waits more only takes longer when it would have failed anyway.
configure({ asyncUtilTimeout: 3_000 })

afterEach(() => cleanup())
