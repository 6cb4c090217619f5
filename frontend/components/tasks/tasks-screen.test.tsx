import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import { problem, renderWithAuth } from '@/test/auth'
import { createTaskServer, makeTask } from '@/test/task-server'
import { PAGE_SIZE, TasksScreen, UNDO_MS } from './tasks-screen'

/** next/navigation with a real, changeable query string: router.replace updates it. */
const nav = vi.hoisted(() => {
  let search = ''
  const listeners = new Set<() => void>()
  return {
    get search() {
      return search
    },
    setSearch(next: string) {
      search = next
      for (const listener of listeners) listener()
    },
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    router: { replace: vi.fn(), push: vi.fn(), prefetch: vi.fn(), back: vi.fn(), forward: vi.fn(), refresh: vi.fn() },
  }
})

vi.mock('next/navigation', async () => {
  const { useMemo, useSyncExternalStore } = await import('react')
  return {
    useRouter: () => nav.router,
    usePathname: () => '/tasks',
    useSearchParams: () => {
      const search = useSyncExternalStore(nav.subscribe, () => nav.search)
      return useMemo(() => new URLSearchParams(search), [search])
    },
  }
})

beforeEach(() => {
  nav.setSearch('')
  nav.router.replace.mockReset()
  nav.router.replace.mockImplementation((href: string) =>
    nav.setSearch(new URL(href, 'http://localhost').search.slice(1)),
  )
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  setAccessToken(null)
})

async function renderTasks() {
  const result = await renderWithAuth(<TasksScreen />)
  await waitFor(() => expect(screen.queryByText('Loading tasks…')).toBeNull())
  return result
}

const item = (title: string) => screen.getByText(title).closest('li') as HTMLElement

describe('task list', () => {
  it('shows tasks with priority, relative due date (overdue highlighted) and tags', async () => {
    const day = 86_400_000
    createTaskServer([
      makeTask({
        title: 'Pay rent',
        priority: 'high',
        due_at: new Date(Date.now() - 2.5 * day).toISOString(),
        tags: ['home'],
      }),
      makeTask({ title: 'Old bill', completed: true, due_at: new Date(Date.now() - 3 * day).toISOString() }),
      makeTask({ title: 'Plan trip', priority: 'low', due_at: new Date(Date.now() + 3.2 * day).toISOString() }),
    ])
    await renderTasks()

    const rent = item('Pay rent')
    expect(within(rent).getByText(/^overdue by \d days?$/)).toBeVisible()
    expect(within(rent).getByText('(overdue)')).toBeInTheDocument()
    expect(within(rent).getByText('High')).toBeVisible()
    expect(within(rent).getByRole('button', { name: 'Filter by tag home' })).toBeVisible()
    expect(within(rent).getByRole('link', { name: 'Edit Pay rent' })).toHaveAttribute('href', '/tasks/t1')
    expect(within(item('Old bill')).queryByText('(overdue)')).toBeNull()
    expect(within(item('Old bill')).getByText(/^was due \d days ago$/)).toBeVisible()
    expect(within(item('Plan trip')).getByText(/^due in \d days$/)).toBeVisible()
    expect(screen.getByRole('checkbox', { name: 'Mark Old bill as done' })).toBeChecked()
  })

  it('tells "no tasks yet" apart from "no matches"', async () => {
    createTaskServer([])
    await renderTasks()
    expect(screen.getByText('No tasks yet.')).toBeVisible()

    const user = userEvent.setup()
    await user.click(screen.getByRole('radio', { name: 'Done' }))
    expect(await screen.findByText('No tasks match these filters.')).toBeVisible()
    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0] as HTMLElement)
    expect(await screen.findByText('No tasks yet.')).toBeVisible()
    expect(nav.search).toBe('')
  })
})

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
    expect(screen.getByText('Task deleted')).toBeVisible()
    const undo = screen.getByRole('button', { name: 'Undo' })
    expect(undo).toHaveFocus()

    await user.click(undo)
    expect(screen.getByText('Keep me')).toBeVisible()
    expect(screen.getByRole('checkbox', { name: 'Mark Keep me as done' })).toHaveFocus()
    await act(async () => vi.advanceTimersByTime(UNDO_MS * 2))
    expect(server.sent('DELETE')).toHaveLength(0)
    expect(server.tasks.map((t) => t.title)).toContain('Keep me')
    expect(screen.queryByText('Task deleted')).toBeNull()
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
    expect(input).toHaveAccessibleDescription('Title must not be empty')
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

describe('load more', () => {
  it('appends the next page using next_cursor', async () => {
    const server = createTaskServer(
      Array.from({ length: PAGE_SIZE + 5 }, (_, i) => makeTask({ title: `Item ${i + 1}` })),
    )
    await renderTasks()
    expect(screen.getAllByRole('checkbox')).toHaveLength(PAGE_SIZE)
    expect(server.lastListQuery().get('limit')).toBe(String(PAGE_SIZE))

    await userEvent.setup().click(screen.getByRole('button', { name: 'Load more' }))
    await waitFor(() => expect(screen.getAllByRole('checkbox')).toHaveLength(PAGE_SIZE + 5))
    expect(server.lastListQuery().get('cursor')).toBe(String(PAGE_SIZE))
    expect(screen.getByText('Item 1')).toBeVisible()
    expect(screen.getByText(`Item ${PAGE_SIZE + 5}`)).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull()
    expect(screen.getByRole('checkbox', { name: `Mark Item ${PAGE_SIZE + 1} as done` })).toHaveFocus()
  })
})

describe('filters', () => {
  it('start from the URL', async () => {
    nav.setSearch('status=pending&tag=home&sort=title')
    const server = createTaskServer([])
    await renderTasks()
    const query = server.lastListQuery()
    expect(query.get('status')).toBe('pending')
    expect(query.getAll('tag')).toEqual(['home'])
    expect(query.get('sort')).toBe('title')
    expect(query.get('order')).toBe('asc')
    expect(screen.getByRole('radio', { name: 'To do' })).toBeChecked()
    expect(screen.getByRole('button', { name: 'Remove tag filter home' })).toBeVisible()
  })

  it('change the URL and the request’s query string', async () => {
    const server = createTaskServer([makeTask({ title: 'Laundry', tags: ['home'] })])
    await renderTasks()
    const user = userEvent.setup()

    await user.click(screen.getByRole('radio', { name: 'To do' }))
    await waitFor(() => expect(server.lastListQuery().get('status')).toBe('pending'))
    expect(nav.router.replace).toHaveBeenLastCalledWith('/tasks?status=pending', { scroll: false })

    await user.selectOptions(screen.getByRole('combobox', { name: 'Priority' }), 'high')
    await waitFor(() => expect(server.lastListQuery().get('priority')).toBe('high'))
    await user.selectOptions(screen.getByRole('combobox', { name: 'Priority' }), '')

    await user.click(await screen.findByRole('button', { name: 'Filter by tag home' }))
    await waitFor(() => expect(server.lastListQuery().getAll('tag')).toEqual(['home']))
    expect(nav.search).toBe('status=pending&tag=home')

    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort by' }), 'due_at')
    await waitFor(() => expect(server.lastListQuery().get('sort')).toBe('due_at'))
    expect(server.lastListQuery().get('order')).toBe('asc')
    await user.click(screen.getByRole('button', { name: 'Soonest first' }))
    await waitFor(() => expect(server.lastListQuery().get('order')).toBe('desc'))
    expect(screen.getByRole('button', { name: 'Latest first' })).toBeVisible()
  })

  it('debounce the search and send it as q', async () => {
    const server = createTaskServer([makeTask({ title: 'Laundry' })])
    await renderTasks()
    const before = server.requests.length
    await userEvent.setup().type(screen.getByRole('searchbox', { name: 'Search tasks' }), 'laun')
    // One request for the whole word, not one per keystroke.
    await waitFor(() => expect(server.lastListQuery().get('q')).toBe('laun'))
    const lists = server.requests.slice(before).filter((r) => r.method === 'GET' && r.path.endsWith('/tasks'))
    expect(lists).toHaveLength(1)
    expect(nav.search).toBe('q=laun')
  })
})
