// The public API: everything of the browser-safe `lightning-tiles/reader`, plus the Node-only
// parts — writers, the store build, local files.
export * from './reader.js'
export { openFile } from './core/nodeFile.js'
export { writeFileAtomic, buildDirectoryAtomic } from './core/atomicWrite.js'
export {
  BgzfEncoder,
  bgzfBlock,
  writeBgzfFile,
  BGZF_BLOCK_INPUT,
  BGZF_EOF,
} from './container/bgzf/writer.js'
export { writeTarBgzf, ustarHeader, tarIndexPath } from './container/tar/writer.js'
export type { TarMember, TarWriterOptions } from './container/tar/writer.js'
export { encodeTwoBit, writeTwoBitFile } from './formats/twobit/writer.js'
export type { TwoBitWriteOptions } from './formats/twobit/writer.js'
export { encodeTagset2bit, writeTagset2bit } from './formats/tagset/writer.js'
export type { TagsetWriteOptions } from './formats/tagset/writer.js'
export { writeCgfFile } from './formats/cgf/writer.js'
export {
  writeAssembly,
  formatAssembly,
  AssemblyFormatter,
  fwiPathFor,
} from './formats/assembly/writer.js'
export type { AssemblyPathInput } from './formats/assembly/writer.js'
export { writeSpanFile, formatSpanCsv } from './formats/span/writer.js'
export { writeSglf, formatSglf, emptySglfTile } from './formats/sglf/writer.js'
export type { SglfTileInput } from './formats/sglf/writer.js'
export {
  writeFastj,
  formatFastjRecord,
  formatFastjHeader,
  fastjToCsv,
  FASTJ_WIDTH,
} from './formats/fastj/writer.js'
export { csvChunks, writeTextFile, compressionFor } from './formats/text-writer.js'
export type { Compression } from './formats/text-writer.js'
export { openTileResolver } from './resolver/node.js'
export { buildStore, buildName } from './tiling/build.js'
export type { BuildOptions, BuildResult } from './tiling/build.js'
export { openReference } from './tiling/reference.js'
export type { ReferenceFasta } from './tiling/reference.js'
export { pickTags } from './tiling/tags.js'
export type { PathTags, PickTagsOptions } from './tiling/tags.js'
export { VcfHaplotypeSource } from './tiling/haplotypes.js'
export { PathLibraryBuilder, tilesFromEdits, bandOf } from './tiling/tiles.js'
export type { Tile, PathLibrary, LibraryVariant } from './tiling/tiles.js'
export { writeStoreSamples, importStoreSamples } from './samples/writer.js'
export type { ImportSamplesOptions, ImportedSamples } from './samples/writer.js'
