// Bundle the page (web/) into dist/web: index.html and one minified app.js for browsers.
// `npm run build` runs it; the page tests call buildWeb into a temporary folder.
import { copyFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export async function buildWeb(out = `${ROOT}dist/web`): Promise<void> {
  mkdirSync(out, { recursive: true })
  await build({
    entryPoints: [`${ROOT}web/main.ts`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: `${out}/app.js`,
    logLevel: 'warning',
  })
  copyFileSync(`${ROOT}web/index.html`, `${out}/index.html`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWeb(process.argv[2])
