/** What the tests of the task screen share: rendering it signed in, and finding a task's row. */
import { screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, expect, vi } from 'vitest'
import { TasksScreen } from '@/components/tasks/tasks-screen'
import { setAccessToken } from '@/lib/api'
import { renderWithAuth } from './auth'
import { resetUrlNavigation } from './url-navigation'

/** Call at the top of a test file that renders the task screen (next/navigation mocked by url-navigation). */
export function setUpTasksScreenTests() {
  beforeEach(resetUrlNavigation)
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
    setAccessToken(null)
  })
}

export async function renderTasks() {
  const result = await renderWithAuth(<TasksScreen />)
  await waitFor(() => expect(screen.queryByText('Loading tasks…')).toBeNull())
  return result
}

export const item = (title: string) => screen.getByText(title).closest('li') as HTMLElement
