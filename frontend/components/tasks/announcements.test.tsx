import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { createTaskServer, makeTask } from '@/test/task-server'
import { renderTasks, setUpTasksScreenTests } from '@/test/tasks-screen'
import { setFlash } from './flash'

vi.mock('next/navigation', () => import('@/test/url-navigation'))

setUpTasksScreenTests()

/** The polite live region's text (the passing message a screen reader says). */
const announced = () =>
  screen
    .getAllByRole('status')
    .filter((el) => el.getAttribute('aria-live') === 'polite')
    .map((el) => el.textContent)
    .join(' ')

describe('every action is heard', () => {
  it('says a task was added, and completed', async () => {
    createTaskServer([])
    await renderTasks()
    const user = userEvent.setup()
    await user.type(screen.getByRole('textbox', { name: 'New task' }), 'Buy milk{Enter}')
    await waitFor(() => expect(announced()).toContain('Added “Buy milk”.'))
    await user.click(await screen.findByRole('checkbox', { name: 'Mark Buy milk as done' }))
    await waitFor(() => expect(announced()).toContain('Completed “Buy milk”.'))
  })

  it('says how many tasks a search found, and when none match', async () => {
    createTaskServer([
      makeTask({ title: 'Laundry' }),
      makeTask({ title: 'Laundry again' }),
      makeTask({ title: 'Rent' }),
    ])
    await renderTasks()
    const user = userEvent.setup()
    const search = screen.getByRole('searchbox', { name: 'Search tasks' })
    await user.type(search, 'laundry')
    await waitFor(() => expect(announced()).toContain('2 tasks match “laundry”.'))
    await user.clear(search)
    await user.type(search, 'zebra')
    await waitFor(() => expect(announced()).toContain('No tasks match “zebra”.'))
  })

  it('back from the editor, the saved task has the focus and "Saved"', async () => {
    const task = makeTask({ title: 'Write report' })
    createTaskServer([makeTask({ title: 'Other' }), task])
    setFlash({ saved: task })
    await renderTasks()
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Mark Write report as done' })).toHaveFocus())
    expect(announced()).toContain('Saved “Write report”.')
  })

  it('back from the editor’s Delete, the task goes with an undo toast naming it', async () => {
    const task = makeTask({ title: 'Old plan' })
    const server = createTaskServer([task])
    setFlash({ remove: task })
    await renderTasks()
    expect(await screen.findByText('Deleted “Old plan”')).toBeVisible()
    expect(screen.queryByRole('checkbox', { name: 'Mark Old plan as done' })).toBeNull()
    await userEvent.setup().click(screen.getByRole('button', { name: 'Undo' }))
    expect(await screen.findByRole('checkbox', { name: 'Mark Old plan as done' })).toBeVisible()
    expect(server.sent('DELETE')).toHaveLength(0)
  })

  it('with nothing focused on arrival (after signing in), focus starts at the heading', async () => {
    createTaskServer([])
    await renderTasks()
    expect(screen.getByRole('heading', { name: 'Tasks', level: 1 })).toHaveFocus()
  })
})
