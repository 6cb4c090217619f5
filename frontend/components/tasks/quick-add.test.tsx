import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { renderWithAuth } from '@/test/auth'
import { createTaskServer, makeTask } from '@/test/task-server'
import { renderTasks, setUpTasksScreenTests } from '@/test/tasks-screen'
import { TasksScreen } from './tasks-screen'

vi.mock('next/navigation', () => import('@/test/url-navigation'))

setUpTasksScreenTests()

const tomorrowAllDay = () => {
  const d = new Date()
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 23, 59, 59).getTime()
}

describe('quick add', () => {
  it('shows what it recognised as chips, then adds the title without those words', async () => {
    const server = createTaskServer([])
    await renderTasks()
    const user = userEvent.setup()
    const input = screen.getByRole('textbox', { name: 'New task' })
    await user.type(input, 'Pay rent tomorrow !high #bills')

    const chips = screen.getByRole('list', { name: 'Recognised parts' })
    expect(within(chips).getAllByRole('button')).toHaveLength(3)
    expect(within(chips).getByRole('button', { name: /^Due .*: remove, keep the words “tomorrow”$/ })).toBeVisible()
    expect(within(chips).getByRole('button', { name: /^Priority High: remove/ })).toBeVisible()
    expect(within(chips).getByRole('button', { name: /^#bills: remove/ })).toBeVisible()

    await user.keyboard('{Enter}')
    await waitFor(() => expect(server.sent('POST')).toHaveLength(1))
    const body = server.sent('POST')[0]?.body as { title: string; priority: string; tags: string[]; due_at: string }
    expect(body).toMatchObject({ title: 'Pay rent', priority: 'high', tags: ['bills'] })
    expect(new Date(body.due_at).getTime()).toBe(tomorrowAllDay())
    expect(input).toHaveValue('')
    expect(screen.queryByRole('list', { name: 'Recognised parts' })).toBeNull()
  })

  it('a removed chip’s words stay in the title and set nothing', async () => {
    const server = createTaskServer([])
    await renderTasks()
    const user = userEvent.setup()
    const input = screen.getByRole('textbox', { name: 'New task' })
    await user.type(input, 'Watch The Day After Tomorrow #films')
    await user.click(screen.getByRole('button', { name: /^Due .*: remove/ }))
    expect(input).toHaveFocus()
    expect(screen.queryByRole('button', { name: /^Due .*: remove/ })).toBeNull()

    await user.keyboard('{Enter}')
    await waitFor(() => expect(server.sent('POST')).toHaveLength(1))
    expect(server.sent('POST')[0]?.body).toMatchObject({
      title: 'Watch The Day After Tomorrow',
      tags: ['films'],
      due_at: null,
    })
  })
})

describe('adding while the list loads', () => {
  it('keeps a task added before the list’s answer arrives', async () => {
    const older = makeTask({ title: 'Older' })
    const server = createTaskServer([older])
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let holding = true
    // The list's answer is read before the task is added, and arrives after.
    server.intercept((req) => {
      if (!holding || req.method !== 'GET' || !req.path.endsWith('/tasks')) return undefined
      const answer = JSON.stringify({ items: [older], next_cursor: null })
      return held.then(() => new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } }))
    })
    await renderWithAuth(<TasksScreen />)
    const user = userEvent.setup()
    await user.type(screen.getByRole('textbox', { name: 'New task' }), 'Added early{Enter}')
    await waitFor(() => expect(server.sent('POST')).toHaveLength(1))
    holding = false
    await act(async () => release())
    expect(await screen.findByRole('checkbox', { name: 'Mark Older as done' })).toBeVisible()
    expect(screen.getByRole('checkbox', { name: 'Mark Added early as done' })).toBeVisible()
  })
})
