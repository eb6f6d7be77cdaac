// Standard input/output helpers shared by the subcommands.
import { existsSync, readFileSync } from 'node:fs'

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Write to stdout, waiting until the data is flushed (large outputs, pipes). */
export function write(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(data, (err) => (err ? reject(err) : resolve())),
  )
}

/** A sample list as bcftools takes it: `A,B,C`, or a file with one name per line. */
export function parseSampleList(list: string): string[] {
  const names = existsSync(list) ? readFileSync(list, 'utf8').split(/\r?\n/) : list.split(',')
  return names.map((s) => s.trim()).filter((s) => s !== '')
}
