/** Values the e2e global setup hands to the test files (vitest provide / inject). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** e.g. "http://127.0.0.1:41234/" — the built app served by scripts/serve.mjs */
    baseUrl: string;
    /** the folder the server serves (the suite's own build) */
    distDir: string;
    /** the Chromium binary playwright-core launches */
    chromePath: string;
  }
}

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
