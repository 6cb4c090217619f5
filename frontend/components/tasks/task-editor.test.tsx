import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import { toDueParts } from '@/lib/due-date'
import { problem, renderWithAuth } from '@/test/auth'
import { createTaskServer, makeTask } from '@/test/task-server'
import { clearFlash, peekFlash } from './flash'
import { TaskEditor } from './task-editor'

const nav = vi.hoisted(() => ({
  router: { replace: vi.fn(), push: vi.fn(), prefetch: vi.fn(), back: vi.fn(), forward: vi.fn(), refresh: vi.fn() },
}))

vi.mock('next/navigation', () => ({
  useRouter: () => nav.router,
  usePathname: () => '/tasks/t1',
  useSearchParams: () => new URLSearchParams(),
}))

beforeEach(() => {
  nav.router.push.mockReset()
  clearFlash()
})

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

const fireInput = (input: HTMLElement, value: string) => fireEvent.change(input, { target: { value } })

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
    expect(screen.getByLabelText('Due date')).toHaveValue(toDueParts(DUE).date)
    expect(screen.getByLabelText('Time (optional)')).toHaveValue(toDueParts(DUE).time)
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
    const due = screen.getByLabelText('Due date')
    await user.clear(due)
    await user.type(due, '2027-01-15')
    const time = screen.getByLabelText('Time (optional)')
    await user.clear(time)
    await user.type(time, '09:30')
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
    expect(screen.getByLabelText('Due date')).toHaveValue('')
    expect(screen.getByLabelText('Time (optional)')).toHaveValue('')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(server.sent('PUT')).toHaveLength(1))
    expect(server.sent('PUT')[0]?.body).toMatchObject({ due_at: null })
  })

  it('clearing only the time keeps the day, due all day', async () => {
    const { task, server } = setup()
    await renderEditor(task.id)
    const user = userEvent.setup()
    await user.clear(screen.getByLabelText('Time (optional)'))
    await user.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(server.sent('PUT')).toHaveLength(1))
    const body = server.sent('PUT')[0]?.body as { due_at: string } | undefined
    const sent = new Date(body?.due_at ?? '')
    const day = new Date(DUE)
    expect([sent.getFullYear(), sent.getMonth(), sent.getDate()]).toEqual([
      day.getFullYear(),
      day.getMonth(),
      day.getDate(),
    ])
    expect([sent.getHours(), sent.getMinutes(), sent.getSeconds()]).toEqual([23, 59, 59])
  })

  it('a half-typed date is an error on the field, and nothing is saved', async () => {
    const { task, server } = setup()
    await renderEditor(task.id)
    const user = userEvent.setup()
    const date = screen.getByLabelText('Due date')
    // What the browser reports for "12/__/____": no value, and bad input.
    Object.defineProperty(date, 'validity', { value: { badInput: true } })
    fireInput(date, '')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(date).toHaveAccessibleDescription('Enter the whole date: day, month and year'))
    expect(date).toHaveFocus()
    expect(server.sent('PUT')).toHaveLength(0)
  })

  it('a time without a date is an error, not "no due date"', async () => {
    const { task, server } = setup()
    await renderEditor(task.id)
    const user = userEvent.setup()
    await user.clear(screen.getByLabelText('Due date'))
    await user.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() =>
      expect(screen.getByLabelText('Due date')).toHaveAccessibleDescription(
        'Add the date for this time, or clear the time',
      ),
    )
    expect(server.sent('PUT')).toHaveLength(0)
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
    expect(screen.getByLabelText('Due date')).toHaveAccessibleDescription(
      'Must be between the years 1000 and 9999 (UTC)',
    )
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

  it('Delete goes back to the list, which deletes it with undo', async () => {
    const { task, server } = setup()
    await renderEditor(task.id)
    await userEvent.setup().click(screen.getByRole('button', { name: 'Delete' }))
    expect(nav.router.push).toHaveBeenCalledWith(BACK)
    expect(peekFlash()).toMatchObject({ remove: { id: task.id } })
    expect(server.sent('DELETE')).toHaveLength(0)
  })

  it('hands the saved task to the list, for focus and "Saved"', async () => {
    const { task } = setup()
    await renderEditor(task.id)
    await userEvent.setup().click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(nav.router.push).toHaveBeenCalledWith(BACK))
    expect(peekFlash()).toMatchObject({ saved: { id: task.id, title: 'Write report' } })
  })

  it('asks before leaving with unsaved changes, and stays when told to', async () => {
    const { task } = setup()
    await renderEditor(task.id)
    const user = userEvent.setup()
    const confirm = vi.fn(() => false)
    vi.stubGlobal('confirm', confirm)
    await user.type(screen.getByRole('textbox', { name: 'Title' }), ' now')
    await user.click(screen.getByRole('link', { name: 'Cancel' }))
    expect(confirm).toHaveBeenCalledWith('Discard your unsaved changes to this task?')
    expect(screen.getByRole('textbox', { name: 'Title' })).toHaveValue('Write report now')
  })

  it('leaves without asking when nothing changed', async () => {
    const { task } = setup()
    await renderEditor(task.id)
    const confirm = vi.fn(() => false)
    vi.stubGlobal('confirm', confirm)
    await userEvent.setup().click(screen.getByRole('link', { name: 'Cancel' }))
    expect(confirm).not.toHaveBeenCalled()
  })
})
