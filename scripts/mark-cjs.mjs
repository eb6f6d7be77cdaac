// The CommonJS build lives beside the ESM one; a nested package.json tells Node how to load it.
import { writeFileSync } from 'node:fs'
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n')
