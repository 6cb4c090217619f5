/**
 * `npm run start:api`: the API as a program of its own, configured by the environment. The only
 * file with side effects: start (start-api.ts), then drain and exit on SIGTERM or SIGINT.
 */
import { startApi, startFailure } from './start-api.js'

try {
  const api = await startApi(process.env)
  const stop = () => void api.stop().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} catch (err) {
  console.error(startFailure(err))
  process.exit(1)
}
