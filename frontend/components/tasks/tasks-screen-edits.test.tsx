import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { problem } from '@/test/auth'
import { createTaskServer, makeTask } from '@/test/task-server'
import { renderTasks, setUpTasksScreenTests } from '@/test/tasks-screen'
import { UNDO_MS } from './tasks-screen'

vi.mock('next/navigation', () => import('@/test/url-navigation'))

setUpTasksScreenTests()

describe('complete toggle', () => {
  it.each([
    [500, /Something went wrong on our side/],
    [422, /invalid fields/],
  ])('is optimistic and rolls back with a message when the server answers %i', async (status, message) => {
    const server = createTaskServer([makeTask({ title: 'Buy milk' })])
    let answer!: (res: Response) => void
    server.intercept((req) =>
      req.path.endsWith('/complete') ? new Promise<Response>((resolve) => (answer = resolve)) : undefined,
    )
    await renderTasks()
    const box = screen.getByRole('checkbox', { name: 'Mark Buy milk as done' })

    await userEvent.setup().click(box)
    expect(box).toBeChecked() // before the server answers
    expect(server.sent('PATCH', '/complete')[0]?.body).toEqual({ completed: true })

    await act(async () =>
      answer(problem(status, { title: 'x', detail: status === 422 ? 'The request has invalid fields' : 'boom' })),
    )
    await waitFor(() => expect(box).not.toBeChecked())
    const notice = await screen.findByText(/Couldn't mark “Buy milk” as done/)
    expect(notice).toHaveTextContent(message)
    expect(notice.closest('[role="status"]')).toHaveAttribute('aria-live', 'polite')
    expect(notice).not.toHaveTextContent('boom')
  })

  it('keeps the server’s answer when it succeeds', async () => {
    const server = createTaskServer([makeTask({ title: 'Buy milk' })])
    await renderTasks()
    const box = screen.getByRole('checkbox', { name: 'Mark Buy milk as done' })
    await userEvent.setup().click(box)
    await waitFor(() => expect(server.tasks[0]?.completed).toBe(true))
    expect(box).toBeChecked()
    expect(screen.queryByText(/Couldn't/)).toBeNull()
  })
})

describe('delete with undo', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] })
  })

  it('hides the task at once, and Undo keeps it (nothing sent to the server)', async () => {
    const server = createTaskServer([makeTask({ title: 'Keep me' }), makeTask({ title: 'Other' })])
    await renderTasks()
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })

    await user.click(screen.getByRole('button', { name: 'Delete Keep me' }))
    expect(screen.queryByText('Keep me')).toBeNull()
    expect(screen.getByText('Deleted “Keep me”')).toBeVisible()
    const undo = screen.getByRole('button', { name: 'Undo' })
    expect(undo).toHaveFocus()

    await user.click(undo)
    expect(screen.getByText('Keep me')).toBeVisible()
    expect(screen.getByRole('checkbox', { name: 'Mark Keep me as done' })).toHaveFocus()
    await act(async () => vi.advanceTimersByTime(UNDO_MS * 2))
    expect(server.sent('DELETE')).toHaveLength(0)
    expect(server.tasks.map((t) => t.title)).toContain('Keep me')
    expect(screen.queryByText('Deleted “Keep me”')).toBeNull()
  })

  it('Escape dismisses the undo toast and deletes at once', async () => {
    const server = createTaskServer([makeTask({ title: 'Bin me now' })])
    await renderTasks()
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    await user.click(screen.getByRole('button', { name: 'Delete Bin me now' }))
    expect(screen.getByRole('button', { name: 'Undo' })).toHaveFocus()
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull()
    await waitFor(() => expect(server.sent('DELETE')).toHaveLength(1))
    expect(screen.getByRole('heading', { name: 'Tasks' })).toHaveFocus()
  })

  it('deletes on the server when the undo window closes', async () => {
    const server = createTaskServer([makeTask({ title: 'Bin me' })])
    await renderTasks()
    await userEvent
      .setup({ advanceTimers: vi.advanceTimersByTime })
      .click(screen.getByRole('button', { name: 'Delete Bin me' }))
    expect(server.sent('DELETE')).toHaveLength(0)
    await act(async () => vi.advanceTimersByTime(UNDO_MS))
    await waitFor(() => expect(server.sent('DELETE')).toHaveLength(1))
    expect(server.tasks).toHaveLength(0)
    expect(screen.queryByText('Bin me')).toBeNull()
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull()
  })

  it('still deletes when the page is left inside the undo window', async () => {
    const server = createTaskServer([makeTask({ title: 'Bin me' })])
    const { unmount } = await renderTasks()
    await userEvent
      .setup({ advanceTimers: vi.advanceTimersByTime })
      .click(screen.getByRole('button', { name: 'Delete Bin me' }))
    unmount()
    await waitFor(() => expect(server.sent('DELETE')).toHaveLength(1))
  })

  it('brings the task back with a message when the server refuses the delete', async () => {
    const server = createTaskServer([makeTask({ title: 'Stubborn' })])
    server.intercept((req) => (req.method === 'DELETE' ? problem(503, { detail: 'db down' }) : undefined))
    await renderTasks()
    await userEvent
      .setup({ advanceTimers: vi.advanceTimersByTime })
      .click(screen.getByRole('button', { name: 'Delete Stubborn' }))
    await act(async () => vi.advanceTimersByTime(UNDO_MS))
    expect(await screen.findByText(/Couldn't delete “Stubborn”/)).toBeVisible()
    expect(screen.getByText('Stubborn')).toBeVisible()
  })
})

describe('create', () => {
  it('adds the task optimistically and keeps the saved one', async () => {
    const server = createTaskServer([makeTask({ title: 'Existing' })])
    let answer!: () => void
    const held = new Promise<void>((resolve) => (answer = resolve))
    server.intercept(async (req) => {
      if (req.method === 'POST') await held
      return undefined
    })
    await renderTasks()
    const user = userEvent.setup()
    const input = screen.getByRole('textbox', { name: 'New task' })
    await user.type(input, 'Water plants{Enter}')

    expect(input).toHaveValue('')
    expect(screen.getByText('Water plants')).toBeVisible()
    expect(screen.getByText('Saving…')).toBeVisible()
    await act(async () => answer())
    await waitFor(() => expect(screen.queryByText('Saving…')).toBeNull())
    expect(screen.getByRole('checkbox', { name: 'Mark Water plants as done' })).toBeEnabled()
    expect(server.sent('POST')[0]?.body).toMatchObject({ title: 'Water plants' })
  })

  it('shows the API’s field error for an empty title', async () => {
    createTaskServer([])
    await renderTasks()
    await userEvent.setup().click(screen.getByRole('button', { name: 'Add' }))
    const input = screen.getByRole('textbox', { name: 'New task' })
    expect(await screen.findByText('Title must not be empty')).toBeVisible()
    expect(input).toHaveAttribute('aria-invalid', 'true')
    expect(input).toHaveAccessibleDescription(/Title must not be empty/)
    expect(input).toHaveFocus()
  })

  it('rolls back a too-long title, keeps what was typed and shows the API’s error', async () => {
    createTaskServer([makeTask({ title: 'Existing' })])
    await renderTasks()
    const long = 'x'.repeat(201)
    const user = userEvent.setup()
    const input = screen.getByRole('textbox', { name: 'New task' })
    await user.click(input)
    await user.paste(long)
    await user.keyboard('{Enter}')

    expect(await screen.findByText('Title must be at most 200 characters')).toBeVisible()
    expect(input).toHaveValue(long)
    expect(screen.queryByText(long, { selector: 'li p' })).toBeNull()
    expect(screen.getByText('Existing')).toBeVisible()
  })

  it('says when the account is full, and keeps what was typed', async () => {
    const detail = 'Your account holds the maximum of 10,000 tasks. Delete some to add more.'
    const server = createTaskServer([makeTask({ title: 'Existing' })])
    server.intercept((req) =>
      req.method === 'POST' ? problem(409, { title: 'Conflict', detail, code: 'TASK_LIMIT_REACHED' }) : undefined,
    )
    await renderTasks()
    const input = screen.getByRole('textbox', { name: 'New task' })
    await userEvent.setup().type(input, 'One more{Enter}')

    const notice = await screen.findByText(`Couldn't add “One more”. ${detail}`)
    expect(notice.closest('[role="status"]')).toHaveAttribute('aria-live', 'polite')
    expect(input).toHaveValue('One more')
    expect(screen.queryByText('One more', { selector: 'li p' })).toBeNull()
  })

  it('says when tasks are added too quickly, and keeps what was typed', async () => {
    const server = createTaskServer([])
    server.intercept((req) =>
      req.method === 'POST'
        ? problem(
            429,
            { title: 'Too Many Requests', detail: 'Try again in 12 seconds.', code: 'TASK_WRITES_RATE_LIMITED' },
            { 'retry-after': '12' },
          )
        : undefined,
    )
    await renderTasks()
    const input = screen.getByRole('textbox', { name: 'New task' })
    await userEvent.setup().type(input, 'Quick one{Enter}')

    expect(
      await screen.findByText(
        "Couldn't add “Quick one”. You are making changes faster than Taskwell allows. Wait a few seconds, then try again.",
      ),
    ).toBeVisible()
    expect(input).toHaveValue('Quick one')
  })

  it('sends the optional fields from "More options"', async () => {
    const server = createTaskServer([])
    await renderTasks()
    const user = userEvent.setup()
    const form = within(screen.getByRole('form', { name: 'Add a task' }))
    await user.click(form.getByRole('button', { name: 'More options' }))
    await user.type(form.getByRole('textbox', { name: 'New task' }), 'Report')
    await user.selectOptions(form.getByRole('combobox', { name: 'Priority' }), 'high')
    await user.type(form.getByRole('textbox', { name: 'Tags' }), 'Work, q3')
    await user.click(form.getByRole('button', { name: 'Add' }))
    await waitFor(() => expect(server.sent('POST')).toHaveLength(1))
    expect(server.sent('POST')[0]?.body).toEqual({
      title: 'Report',
      priority: 'high',
      tags: ['Work', 'q3'],
      due_at: null,
    })
  })
})
