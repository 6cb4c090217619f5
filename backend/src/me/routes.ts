/** Where backend/src/app.ts finds the account routes until it imports `./me/router.js` itself. */
export { type MeRoutesDeps, meRouter } from './router.js'
