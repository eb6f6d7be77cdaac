// Node-only: write a CGF v3 file atomically (a temporary file renamed into place).
import { checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import { writeFileAtomic } from '../../core/atomicWrite.js'
import { encodeCgf } from './encode.js'
import type { CgfEncodeOptions, CgfPathInput } from './encode.js'

/** Encode paths of one genome as a CGF v3 file at `file`, atomically. */
export async function writeCgfFile(
  file: string,
  paths: Iterable<CgfPathInput>,
  opts: CgfEncodeOptions & AbortOptions = {},
): Promise<void> {
  checkAbort(opts.signal)
  const bytes = encodeCgf(paths, opts)
  checkAbort(opts.signal)
  await writeFileAtomic(file, bytes)
}
