/**
 * `npm run start:api`: the API alone. With NODE_ENV=production it runs the compiled build
 * (backend/dist, made by `npm run build`) on plain node, and refuses a build that is missing,
 * unfinished or older than the sources rather than build one itself (instances starting together
 * would build over each other). Otherwise it runs the TypeScript sources through tsx, as before.
 */
import { fileURLToPath, pathToFileURL } from 'node:url'
import { API, API_SERVER_JS, buildProblem } from './compiled.mjs'

if (process.env.NODE_ENV === 'production') {
  const problem = buildProblem(API)
  if (problem) {
    console.error(`The API does not start: ${problem}. Run npm run build first.`)
    process.exit(1)
  }
  await import(pathToFileURL(API_SERVER_JS).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(fileURLToPath(new URL('../backend/src/server.ts', import.meta.url)))
}
