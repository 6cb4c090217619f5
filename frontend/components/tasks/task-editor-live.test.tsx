/** The task page and live sync: changes made elsewhere, with and without unsaved input here. */
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LiveSyncContext } from '@/components/live-sync/live-sync-provider'
import { setAccessToken } from '@/lib/api'
import type { TaskSyncEvent } from '@/lib/live-sync/events'
import type { Task } from '@/lib/types'
import { renderWithAuth } from '@/test/auth'
import { createTaskServer, makeTask } from '@/test/task-server'
import { TaskEditor } from './task-editor'

vi.mock('next/navigation', () => import('@/test/navigation'))

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

async function renderLive(task: Task) {
  createTaskServer([task])
  const listeners = new Set<(event: TaskSyncEvent) => void>()
  await renderWithAuth(
    <LiveSyncContext.Provider value={listeners}>
      <TaskEditor id={task.id} backHref="/tasks" />
    </LiveSyncContext.Provider>,
  )
  await waitFor(() => expect(screen.queryByText(/Loading task/)).toBeNull())
  return (event: TaskSyncEvent) =>
    act(() => {
      for (const listener of listeners) listener(event)
    })
}

const later = (task: Task, patch: Partial<Task>): Task => ({
  ...task,
  ...patch,
  updated_at: new Date(Date.parse(task.updated_at) + 60_000).toISOString(),
})

describe('the task page, live', () => {
  it('an untouched form shows the version saved elsewhere', async () => {
    const task = makeTask({ title: 'Pay rent' })
    const play = await renderLive(task)
    play({ type: 'task.updated', task: later(task, { title: 'Pay the rent' }) })
    expect(screen.getByRole('textbox', { name: 'Title' })).toHaveValue('Pay the rent')
    expect(screen.getByRole('form', { name: 'Edit task' })).not.toHaveTextContent('changed elsewhere')
  })

  it('ignores a version older than the one shown', async () => {
    const task = makeTask({ title: 'Pay rent' })
    const play = await renderLive(task)
    play({ type: 'task.updated', task: { ...task, title: 'Old', updated_at: '2020-01-01T00:00:00.000Z' } })
    expect(screen.getByRole('textbox', { name: 'Title' })).toHaveValue('Pay rent')
  })

  it('keeps unsaved input, says the task changed elsewhere, and loads the new version when asked', async () => {
    const task = makeTask({ title: 'Pay rent' })
    const play = await renderLive(task)
    fireEvent.change(screen.getByRole('textbox', { name: 'Description' }), { target: { value: 'Before the 5th' } })
    play({ type: 'task.updated', task: later(task, { priority: 'high' }) })

    const status = screen.getByRole('form', { name: 'Edit task' }).querySelector('[role="status"]') as HTMLElement
    expect(status).toHaveAttribute('aria-live', 'polite')
    expect(status).toHaveTextContent('This task changed elsewhere')
    expect(screen.getByRole('textbox', { name: 'Description' })).toHaveValue('Before the 5th')
    expect(screen.getByRole('combobox', { name: 'Priority' })).toHaveValue('medium')

    await userEvent.setup().click(screen.getByRole('button', { name: 'Load the new version' }))
    expect(screen.getByRole('combobox', { name: 'Priority' })).toHaveValue('high')
    expect(screen.getByRole('textbox', { name: 'Description' })).toHaveValue('')
    expect(status).toHaveTextContent('')
  })

  it('says so when the open task is deleted elsewhere', async () => {
    const task = makeTask({ title: 'Pay rent' })
    const play = await renderLive(task)
    play({ type: 'task.deleted', id: 'another' })
    expect(screen.getByRole('textbox', { name: 'Title' })).toBeInTheDocument()
    play({ type: 'task.deleted', id: task.id })
    expect(screen.getByRole('heading', { name: 'Task deleted' })).toBeInTheDocument()
    expect(screen.getByRole('alert')).toHaveTextContent('This task was deleted elsewhere')
  })
})
