import { ArgumentError } from './errors.js'
import { hex } from './hex.js'

/** A tile position: path and step (the anchor step for a spanning tile). */
export interface TilePosition {
  path: number
  step: number
}

/**
 * A tile variant identifier `PPPP.VV.SSSS.VVV[+SPAN]` (spec §1.3). `span` is present only for an
 * extended ID. In a per-sample FastJ the `variant` field holds the allele (0/1) instead.
 */
export interface TileId extends TilePosition {
  version: number
  variant: number
  span?: number
}

const TILE_ID_RE = /^([0-9a-f]{4})\.([0-9a-f]{2})\.([0-9a-f]{4})\.([0-9a-f]{3,})(?:\+([0-9a-f]+))?$/

/**
 * Parse a tile ID. The span is hex (DESIGN decision 1). Throws ArgumentError naming the text.
 * `requireSpan` rejects a non-extended ID (SGLF needs the span).
 */
export function parseTileId(text: string, opts: { requireSpan?: boolean } = {}): TileId {
  const m = TILE_ID_RE.exec(text)
  if (!m) throw new ArgumentError(`'${text}' is not a tile ID of the form PPPP.VV.SSSS.VVV[+SPAN]`)
  const id: TileId = {
    path: parseInt(m[1]!, 16),
    version: parseInt(m[2]!, 16),
    step: parseInt(m[3]!, 16),
    variant: parseInt(m[4]!, 16),
  }
  if (m[5] !== undefined) {
    const span = parseInt(m[5], 16)
    if (span < 1) throw new ArgumentError(`'${text}': span must be at least 1`)
    id.span = span
  } else if (opts.requireSpan) {
    throw new ArgumentError(`'${text}': missing '+SPAN'`)
  }
  return id
}

/** Format `PPPP.VV.SSSS.VVV`, with `+SPAN` (hex) when the ID has a span. */
export function formatTileId(id: TileId): string {
  const base = `${hex(id.path, 4)}.${hex(id.version, 2)}.${hex(id.step, 4)}.${hex(id.variant, 3)}`
  return id.span === undefined ? base : `${base}+${id.span.toString(16)}`
}

/** `PPPP.VV.SSSS`, the name of a step (2bit-tar members, tag lookups). */
export function formatStepId(path: number, step: number, version = 0): string {
  return `${hex(path, 4)}.${hex(version, 2)}.${hex(step, 4)}`
}

/** `PPPP` as written in file names and manifests. */
export function formatPath(path: number): string {
  return hex(path, 4)
}

export function checkPath(path: number): void {
  if (!Number.isInteger(path) || path < 0 || path > 0xffff)
    throw new ArgumentError(`tile path ${path} is outside 0..ffff`)
}
