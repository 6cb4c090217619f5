import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { formatDueShort } from '@/lib/due'
import { createTaskServer, makeTask } from '@/test/task-server'
import { item, renderTasks, setUpTasksScreenTests } from '@/test/tasks-screen'
import { nav } from '@/test/url-navigation'
import { PAGE_SIZE } from './tasks-screen'

vi.mock('next/navigation', () => import('@/test/url-navigation'))

setUpTasksScreenTests()

describe('task list', () => {
  it('shows tasks with priority, relative due date (overdue highlighted) and tags', async () => {
    const day = 86_400_000
    const tripDue = new Date(Date.now() + 3.2 * day).toISOString()
    createTaskServer([
      makeTask({
        title: 'Pay rent',
        priority: 'high',
        due_at: new Date(Date.now() - 2.5 * day).toISOString(),
        tags: ['home'],
      }),
      makeTask({ title: 'Old bill', completed: true, due_at: new Date(Date.now() - 3 * day).toISOString() }),
      makeTask({ title: 'Plan trip', priority: 'low', due_at: tripDue }),
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
    // The exact date is on screen too, not only in a hover tooltip.
    const exact = formatDueShort(tripDue, new Date())
    expect(within(item('Plan trip')).getByText(exact)).toBeVisible()
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

describe('smart list and views', () => {
  const day = 86_400_000
  const tasks = () => [
    makeTask({ title: 'No date task' }),
    makeTask({ title: 'Finished', completed: true }),
    makeTask({ title: 'Next week', due_at: new Date(Date.now() + 7 * day).toISOString() }),
    makeTask({ title: 'Late bill', due_at: new Date(Date.now() - 2 * day).toISOString() }),
  ]

  it('shows Overdue first, then Upcoming, No date, and Completed last', async () => {
    createTaskServer(tasks())
    await renderTasks()
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)
    expect(headings).toEqual(['Overdue', 'Upcoming', 'No date', 'Completed'])
    expect(within(screen.getByRole('list', { name: 'Overdue' })).getByText('Late bill')).toBeVisible()
    expect(within(screen.getByRole('list', { name: 'Completed' })).getByText('Finished')).toBeVisible()
  })

  it('Today and Upcoming are one click away, and the current view is marked', async () => {
    const server = createTaskServer(tasks())
    await renderTasks()
    const views = screen.getByRole('navigation', { name: 'Views' })
    expect(within(views).getByRole('link', { name: 'All tasks' })).toHaveAttribute('aria-current', 'page')
    expect(within(views).getByRole('link', { name: 'Today' })).toHaveAttribute('href', '/tasks?view=today')
    expect(server.lastListQuery().has('due_after')).toBe(false)
  })

  it('Upcoming lists open tasks due after today', async () => {
    nav.setSearch('view=upcoming')
    const server = createTaskServer(tasks())
    await renderTasks()
    const views = screen.getByRole('navigation', { name: 'Views' })
    expect(within(views).getByRole('link', { name: 'Upcoming' })).toHaveAttribute('aria-current', 'page')
    expect(server.lastListQuery().get('status')).toBe('pending')
    expect(server.lastListQuery().get('due_after')).toBeTruthy()
    expect(await screen.findByText('Next week')).toBeVisible()
    expect(screen.queryByText('Late bill')).toBeNull()
    expect(screen.queryByText('No date task')).toBeNull()
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
    expect(server.sent('GET').some((r) => r.query.get('cursor') === String(PAGE_SIZE))).toBe(true)
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
    const lists = () => server.requests.slice(before).filter((r) => r.method === 'GET' && r.path.endsWith('/tasks'))
    // The default list is two queries (open tasks, then completed ones): each sent once, with the whole word.
    await waitFor(() => expect(lists().map((r) => r.query.get('q'))).toEqual(['laun', 'laun']))
    expect(nav.search).toBe('q=laun')
  })
})
