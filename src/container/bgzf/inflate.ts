// Inflating concatenated gzip members (BGZF blocks), browser-safe: @gmod/bgzf-filehandle's
// WebAssembly `unzip` by default, loaded on first use. Node's entry points install zlib instead
// (src/core/nodeInflate.ts): the WebAssembly module is fetched from a data: URL and compiled on
// first use, which costs a short query more than its own inflating.
export type Inflate = (gzipMembers: Uint8Array) => Promise<Uint8Array>

let installed: Inflate | undefined

/** Use `inflate` for every BGZF read from now on. */
export function installInflate(inflate: Inflate): void {
  installed = inflate
}

/** The concatenated inflated data of consecutive gzip members. */
export async function unzipMembers(bytes: Uint8Array): Promise<Uint8Array> {
  if (installed) return installed(bytes)
  const { unzip } = await import('@gmod/bgzf-filehandle')
  return unzip(bytes)
}
