// Browser-safe CGF v3 API (the Node-only writeCgfFile lives in writer.ts).
export {
  CGF_MAGIC,
  CGF_VERSION,
  DEFAULT_LIBRARY_VERSION,
  MAX_VARIANT,
  encodeCgf,
  encodeCgfFromStructs,
  encodePathStruct,
} from './encode.js'
export type { CgfEncodeOptions, CgfPathInput } from './encode.js'
export { CgfReader, parseCgfPath } from './reader.js'
export type { CgfHeader, CgfPathEntry } from './reader.js'
export { CgfPath, decodedToBand, formatHiqBand } from './pathStruct.js'
export type { DecodedPath, StepAlleles } from './pathStruct.js'
export { concordance } from './concordance.js'
export type { Concordance } from './concordance.js'
export { DEFAULT_TILE_MAP } from './defaultTileMap.js'
export { knotKey, parseTileMapEntry, tileMapKeys } from './tileMap.js'
export type { TileMapEntry } from './tileMap.js'
