import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { createTaskServer, makeTask } from '@/test/task-server'
import { renderTasks, setUpTasksScreenTests } from '@/test/tasks-screen'
import { nav } from '@/test/url-navigation'

vi.mock('next/navigation', () => import('@/test/url-navigation'))

setUpTasksScreenTests()

const box = (title: string) => screen.getByRole('checkbox', { name: `Mark ${title} as done` })

describe('keyboard shortcuts', () => {
  it('j and k move between tasks, x completes, # deletes with undo', async () => {
    const server = createTaskServer([makeTask({ title: 'First' }), makeTask({ title: 'Second' })])
    await renderTasks()
    const user = userEvent.setup()
    await user.keyboard('j')
    expect(box('First')).toHaveFocus()
    await user.keyboard('j')
    expect(box('Second')).toHaveFocus()
    await user.keyboard('k')
    expect(box('First')).toHaveFocus()

    await user.keyboard('x')
    await waitFor(() => expect(server.sent('PATCH', '/complete')).toHaveLength(1))
    expect(box('First')).toBeChecked()

    await user.keyboard('#')
    expect(screen.getByText('Deleted “First”')).toBeVisible()
    expect(screen.getByRole('button', { name: 'Undo' })).toHaveFocus()
  })

  it('q focuses quick add and / the search, without typing the key', async () => {
    createTaskServer([])
    await renderTasks()
    const user = userEvent.setup()
    await user.keyboard('q')
    const input = screen.getByRole('textbox', { name: 'New task' })
    expect(input).toHaveFocus()
    expect(input).toHaveValue('')
    // Typing in a field never fires a shortcut.
    await user.keyboard('/jkx#')
    expect(input).toHaveValue('/jkx#')
    expect(input).toHaveFocus()

    await user.click(screen.getByRole('heading', { name: 'Tasks', level: 1 }))
    await user.keyboard('/')
    expect(screen.getByRole('searchbox', { name: 'Search tasks' })).toHaveFocus()
  })

  it('t goes to Today', async () => {
    createTaskServer([makeTask({ title: 'Report' })])
    await renderTasks()
    const user = userEvent.setup()
    await user.keyboard('j')
    await user.keyboard('t')
    expect(nav.router.push).toHaveBeenCalledWith('/tasks?view=today', { scroll: false })
  })
})
