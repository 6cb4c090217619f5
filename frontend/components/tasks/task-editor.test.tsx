import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import { toLocalInput } from '@/lib/task-form'
import { problem, renderWithAuth } from '@/test/auth'
import { createTaskServer, makeTask } from '@/test/task-server'
import { TaskEditor } from './task-editor'

const nav = vi.hoisted(() => ({
  router: { replace: vi.fn(), push: vi.fn(), prefetch: vi.fn(), back: vi.fn(), forward: vi.fn(), refresh: vi.fn() },
}))

vi.mock('next/navigation', () => ({
  useRouter: () => nav.router,
  usePathname: () => '/tasks/t1',
  useSearchParams: () => new URLSearchParams(),
}))

beforeEach(() => nav.router.push.mockReset())

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

const BACK = '/tasks?status=pending'
const DUE = '2026-11-26T16:00:00.000Z'

async function renderEditor(id: string) {
  await renderWithAuth(<TaskEditor id={id} backHref={BACK} />)
  await waitFor(() => expect(screen.queryByText(/Loading task/)).toBeNull())
}

function setup() {
  const task = makeTask({
    title: 'Write report',
    description: 'Q3 numbers',
    priority: 'high',
    tags: ['work', 'q3'],
    due_at: DUE,
  })
  const server = createTaskServer([task])
  return { task, server }
}

describe('edit task', () => {
  it('fills the form from the task', async () => {
    const { task } = setup()
    await renderEditor(task.id)
    expect(screen.getByRole('textbox', { name: 'Title' })).toHaveValue('Write report')
    expect(screen.getByRole('textbox', { name: 'Description' })).toHaveValue('Q3 numbers')
    expect(screen.getByRole('combobox', { name: 'Priority' })).toHaveValue('high')
    expect(screen.getByLabelText('Due')).toHaveValue(toLocalInput(DUE))
    expect(screen.getByRole('textbox', { name: 'Tags' })).toHaveValue('work, q3')
    expect(screen.getByRole('checkbox', { name: 'Completed' })).not.toBeChecked()
  })

  it('saves every field (PUT), completion (PATCH …/complete), then goes back', async () => {
    const { task, server } = setup()
    let answer!: () => void
    const held = new Promise<void>((resolve) => (answer = resolve))
    server.intercept(async (req) => {
      if (req.method === 'PUT') await held
      return undefined
    })
    await renderEditor(task.id)
    const user = userEvent.setup()
    const title = screen.getByRole('textbox', { name: 'Title' })
    await user.clear(title)
    await user.type(title, 'Write the report')
    await user.selectOptions(screen.getByRole('combobox', { name: 'Priority' }), 'low')
    const due = screen.getByLabelText('Due')
    await user.clear(due)
    await user.type(due, '2027-01-15T09:30')
    const tags = screen.getByRole('textbox', { name: 'Tags' })
    await user.clear(tags)
    await user.type(tags, 'work, Finance ,')
    await user.click(screen.getByRole('checkbox', { name: 'Completed' }))
    await user.click(screen.getByRole('button', { name: 'Save' }))

    expect(screen.getByRole('button', { name: 'Saving…' })).toBeDisabled()
    await act(async () => answer())
    await waitFor(() => expect(nav.router.push).toHaveBeenCalledWith(BACK))

    const [put] = server.sent('PUT')
    const body = put?.body as Record<string, unknown>
    expect(body).toMatchObject({
      title: 'Write the report',
      description: 'Q3 numbers',
      priority: 'low',
      tags: ['work', 'Finance'],
    })
    expect(body.due_at).toMatch(/^2027-01-15T09:30:00(Z|[+-]\d{2}:\d{2})$/)
    expect(new Date(body.due_at as string).getTime()).toBe(new Date(2027, 0, 15, 9, 30).getTime())
    expect(server.sent('PATCH', '/complete')[0]?.body).toEqual({ completed: true })
  })

  it('sends an untouched due date exactly as stored', async () => {
    const { task, server } = setup()
    await renderEditor(task.id)
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(server.sent('PUT')).toHaveLength(1))
    expect(server.sent('PUT')[0]?.body).toMatchObject({ due_at: DUE })
    expect(server.sent('PATCH', '/complete')).toHaveLength(0)
  })

  it('sends no due date once it is removed', async () => {
    const { task, server } = setup()
    await renderEditor(task.id)
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Remove due date' }))
    expect(screen.getByLabelText('Due')).toHaveValue('')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(server.sent('PUT')).toHaveLength(1))
    expect(server.sent('PUT')[0]?.body).toMatchObject({ due_at: null })
  })

  it('shows the API’s field errors inline and focuses the first one', async () => {
    const { task, server } = setup()
    server.intercept((req) =>
      req.method === 'PUT'
        ? problem(422, {
            detail: 'The request has invalid fields',
            errors: [
              { field: 'title', message: 'Title must not be empty' },
              { field: 'tags.1', message: 'Tags must be at most 32 characters' },
              { field: 'due_at', message: 'Must be between the years 1000 and 9999 (UTC)' },
              { field: 'description', message: 'Description must be at most 1000 characters' },
            ],
          })
        : undefined,
    )
    await renderEditor(task.id)
    const user = userEvent.setup()
    await user.clear(screen.getByRole('textbox', { name: 'Title' }))
    await user.click(screen.getByRole('button', { name: 'Save' }))

    const title = screen.getByRole('textbox', { name: 'Title' })
    await waitFor(() => expect(title).toHaveAccessibleDescription('Title must not be empty'))
    expect(title).toHaveAttribute('aria-invalid', 'true')
    expect(title).toHaveFocus()
    expect(screen.getByRole('textbox', { name: 'Tags' })).toHaveAccessibleDescription(
      /Tags must be at most 32 characters/,
    )
    expect(screen.getByLabelText('Due')).toHaveAccessibleDescription('Must be between the years 1000 and 9999 (UTC)')
    expect(screen.getByRole('textbox', { name: 'Description' })).toHaveAccessibleDescription(
      /Description must be at most 1000 characters/,
    )
    expect(screen.getByRole('alert')).toHaveTextContent('Please fix the fields marked below.')
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled()
    expect(nav.router.push).not.toHaveBeenCalled()
  })

  it('says "task not found" with a way back for a missing task', async () => {
    setup()
    await renderEditor('nope')
    expect(screen.getByRole('heading', { name: 'Task not found' })).toBeVisible()
    expect(screen.getByRole('link', { name: 'Back to your tasks' })).toHaveAttribute('href', BACK)
  })

  it('deletes only after confirming', async () => {
    const { task, server } = setup()
    await renderEditor(task.id)
    const user = userEvent.setup()

    await user.click(screen.getByRole('button', { name: 'Delete' }))
    expect(screen.getByText(/Delete “Write report”\? This can't be undone\./)).toBeVisible()
    expect(screen.getByRole('button', { name: 'Keep it' })).toHaveFocus()
    await user.click(screen.getByRole('button', { name: 'Keep it' }))
    expect(screen.queryByRole('button', { name: 'Delete task' })).toBeNull()
    expect(server.sent('DELETE')).toHaveLength(0)

    await user.click(screen.getByRole('button', { name: 'Delete' }))
    await user.click(screen.getByRole('button', { name: 'Delete task' }))
    await waitFor(() => expect(nav.router.push).toHaveBeenCalledWith(BACK))
    expect(server.tasks).toHaveLength(0)
  })
})
