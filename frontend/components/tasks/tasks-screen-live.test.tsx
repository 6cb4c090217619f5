/** The task list and live sync: changes made elsewhere appear in place, or the list asks again. */
import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { LiveSyncContext } from '@/components/live-sync/live-sync-provider'
import type { TaskSyncEvent } from '@/lib/live-sync/events'
import { deferred, json, renderWithAuth } from '@/test/auth'
import { createTaskServer, makeTask } from '@/test/task-server'
import { setUpTasksScreenTests } from '@/test/tasks-screen'
import { nav } from '@/test/url-navigation'
import { PAGE_SIZE, TasksScreen } from './tasks-screen'

vi.mock('next/navigation', () => import('@/test/url-navigation'))

setUpTasksScreenTests()

async function renderLive() {
  const listeners = new Set<(event: TaskSyncEvent) => void>()
  await renderWithAuth(
    <LiveSyncContext.Provider value={listeners}>
      <TasksScreen />
    </LiveSyncContext.Provider>,
  )
  await waitFor(() => expect(screen.queryByText('Loading tasks…')).toBeNull())
  return (event: TaskSyncEvent) =>
    act(() => {
      for (const listener of listeners) listener(event)
    })
}

const box = (title: string) => screen.queryByRole('checkbox', { name: `Mark ${title} as done` })

describe('task list, live', () => {
  it('shows a task created, completed and deleted elsewhere, without asking the API again', async () => {
    const server = createTaskServer([makeTask({ title: 'Pay rent' })])
    const play = await renderLive()
    const lists = server.requests.length

    const plants = makeTask({ title: 'Water the plants' })
    play({ type: 'task.created', task: plants })
    expect(box('Water the plants')).toBeInTheDocument()

    play({ type: 'task.updated', task: { ...plants, completed: true, updated_at: '2099-01-01T00:00:00.000Z' } })
    expect(box('Water the plants')).toBeChecked()

    play({ type: 'task.deleted', id: plants.id })
    expect(box('Water the plants')).toBeNull()
    expect(box('Pay rent')).toBeInTheDocument()
    expect(server.requests.length).toBe(lists)
  })

  it('refetches the page shown for tasks.changed or resync, quietly', async () => {
    const server = createTaskServer([makeTask({ title: 'Pay rent' })])
    const play = await renderLive()
    server.tasks.unshift(makeTask({ title: 'Restored from a backup' }))
    play({ type: 'refetch' })
    expect(await screen.findByRole('checkbox', { name: 'Mark Restored from a backup as done' })).toBeInTheDocument()
    expect(screen.getByRole('region', { name: 'Task list' }).querySelector('[aria-busy]')).toBeNull()
  })

  it('a paged list that cannot place a new task asks for its page again', async () => {
    const many = Array.from({ length: PAGE_SIZE + 5 }, (_, i) => makeTask({ title: `Task number ${i}` }))
    const server = createTaskServer(many)
    const play = await renderLive()
    expect(screen.getByRole('button', { name: 'Load more' })).toBeInTheDocument()
    const lists = server.sent('GET').length
    const created = makeTask({ title: 'Somewhere in the middle' })
    server.tasks.push(created)
    play({ type: 'task.created', task: created })
    await waitFor(() => expect(server.sent('GET').length).toBe(lists + 1))
  })

  it('shows its own add once, even when the stream tells of it before the API answers', async () => {
    const server = createTaskServer([])
    const answer = deferred()
    server.intercept((req) => (req.method === 'POST' ? answer.promise : undefined))
    const play = await renderLive()
    await userEvent.setup().type(screen.getByRole('textbox', { name: 'New task' }), 'Buy milk{Enter}')
    const saved = makeTask({ title: 'Buy milk' })
    play({ type: 'task.created', task: saved })
    expect(screen.getAllByRole('checkbox', { name: 'Mark Buy milk as done' })).toHaveLength(1)
    await act(async () => answer.resolve(json(201, saved)))
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Mark Buy milk as done' })).toBeEnabled())
    expect(screen.getAllByRole('checkbox', { name: 'Mark Buy milk as done' })).toHaveLength(1)
  })

  it('leaves out a new task the filters do not match', async () => {
    nav.setSearch('status=completed')
    createTaskServer([makeTask({ title: 'Done already', completed: true })])
    const play = await renderLive()
    play({ type: 'task.created', task: makeTask({ title: 'Still to do' }) })
    expect(box('Still to do')).toBeNull()
    expect(box('Done already')).toBeInTheDocument()
  })
})
