// Headless Debian Chromium for the page tests (playwright-core drives it; it never downloads a
// browser). The flags keep Chromium off this machine's closed network.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)

/** Run `fn` with a new page of a fresh headless Chromium profile; the profile is removed after. */
export async function withChromiumPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'lt-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  try {
    return await fn(await context.newPage())
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}
