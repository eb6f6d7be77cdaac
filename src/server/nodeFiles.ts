// Node-only files of the server: where the page's bundle is (dist/web of the package, built by
// `npm run build`, found upwards from this module whether it runs from src/ under tsx or from
// dist/), and `serve --static-out DIR`: the page and a copy of the store in one folder, with a
// config.json that tells the page to read the store itself (HTTP range requests) instead of
// asking a server. Any static web server with range support hosts that folder.
import { existsSync } from 'node:fs'
import { cp, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LightningError } from '../core/errors.js'

export function webRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ;) {
    const web = join(dir, 'dist', 'web')
    if (existsSync(join(dir, 'package.json')) && existsSync(join(web, 'index.html'))) return web
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

export async function writeStaticSite(store: string, dir: string, web = webRoot()): Promise<void> {
  if (!web)
    throw new LightningError(
      'the page is not built: run npm run build (it bundles web/ into dist/web)',
    )
  await mkdir(dir, { recursive: true })
  await cp(web, dir, { recursive: true })
  await cp(store, join(dir, 'store'), { recursive: true })
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ mode: 'static', store: 'store/' }) + '\n',
  )
}
