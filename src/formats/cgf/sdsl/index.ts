export { BitReader, BitWriter, bitLength, deltaLength } from './bits.js'
export type { Origin } from './bits.js'
export {
  decodeBitVector,
  decodeIntVector,
  encodeBitVector,
  encodeBitsAsIntVector,
  encodeIntVector,
  readU64,
  writeU64,
} from './intVector.js'
export type { BitVectorData, IntVectorData } from './intVector.js'
export {
  DENSITY,
  EncVector,
  VlcVector,
  encodeEncVector,
  encodeVlcVector,
  parseEncVector,
  parseVlcVector,
} from './vectors.js'
export type { Parsed } from './vectors.js'
