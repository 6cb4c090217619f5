/** Where the browser tests run their own servers, away from a developer's `npm start`. */
export const E2E_WEB_PORT = 3300
export const E2E_API_PORT = 4300
export const E2E_DIST_DIR = '.next-e2e'
/** The API's secret in the browser tests, so they can prove it never reaches a page. */
export const E2E_SECRET = 'e2e-secret-that-must-never-reach-the-browser-0123456789'
