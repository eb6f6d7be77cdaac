// The public API, re-exported by name. Node-only writers are exported from here too; the
// browser-safe subset is `lightning-tiles/reader`.
export * from './core/errors.js'
export * from './core/hex.js'
export * from './core/tileId.js'
export * from './core/region.js'
export * from './core/filehandle.js'
export { openFile } from './core/nodeFile.js'
export { writeFileAtomic, buildDirectoryAtomic } from './core/atomic.js'
export {
  BgzfEncoder,
  bgzfBlock,
  writeBgzfFile,
  BGZF_BLOCK_INPUT,
  BGZF_EOF,
} from './container/bgzf/writer.js'
export * from './formats/band/band.js'
export {
  BgzfReader,
  parseGzi,
  crc32,
  bgzfBlockAt,
  inflateBgzfBlocks,
  BGZF_MAX_BLOCK,
} from './container/bgzf/reader.js'
export type { GziTable, BgzfBlockInfo } from './container/bgzf/reader.js'
export { decompressedChunks, readLines } from './container/stream.js'
export type { StreamOptions, LineOptions } from './container/stream.js'
export { TarIndex, TarReader } from './container/tar/reader.js'
export type { TarEntry, TarFiles } from './container/tar/reader.js'
export { writeTarBgzf, ustarHeader, tarIndexPath } from './container/tar/writer.js'
export type { TarMember, TarWriterOptions } from './container/tar/writer.js'
export {
  TwoBitReader,
  parseTwoBit,
  parseTwoBitHeader,
  TWOBIT_SIGNATURE,
} from './formats/twobit/reader.js'
export type {
  TwoBitRecord,
  TwoBitHeader,
  TwoBitRecordHeader,
  TwoBitDecodeOptions,
  TwoBitSequenceOptions,
} from './formats/twobit/reader.js'
export { encodeTwoBit, writeTwoBitFile } from './formats/twobit/writer.js'
export type { TwoBitWriteOptions } from './formats/twobit/writer.js'
export { TagsetReader, DEFAULT_TAG_LENGTH } from './formats/tagset/reader.js'
export type { TagsetOptions, TagsetForm, TileTags } from './formats/tagset/reader.js'
export { encodeTagset2bit, writeTagset2bit } from './formats/tagset/writer.js'
export type { TagsetWriteOptions } from './formats/tagset/writer.js'
export * from './formats/cgf/index.js'
export { writeCgfFile } from './formats/cgf/writer.js'
export {
  AssemblyReader,
  parseFwi,
  parseAssemblyName,
  parseAssemblyBlock,
  fwiNextOffset,
  ASSEMBLY_LINE_BYTES,
  ASSEMBLY_LINE_WIDTH,
} from './formats/assembly/reader.js'
export type {
  AssemblyReaderOptions,
  AssemblyPathInfo,
  AssemblySteps,
  AssemblyTile,
  ReferenceInterval,
} from './formats/assembly/reader.js'
export {
  writeAssembly,
  formatAssembly,
  AssemblyFormatter,
  fwiPathFor,
} from './formats/assembly/writer.js'
export type { AssemblyPathInput } from './formats/assembly/writer.js'
export { SpanTable, readSpans, parseSpanLine } from './formats/span/reader.js'
export type { SpanEntry } from './formats/span/reader.js'
export { writeSpanFile, formatSpanCsv } from './formats/span/writer.js'
export {
  readSglfTiles,
  readSglfPaths,
  readSglfPath,
  sglfTiles,
  sglfSteps,
  sglfPaths,
  parseSglfLine,
  sglfTileId,
  SglfValidator,
  SglfValidationError,
  PathVersionHasher,
  sglfPathVersions,
  libraryVersion,
} from './formats/sglf/reader.js'
export type {
  SglfTile,
  SglfStep,
  SglfPath,
  SglfRule,
  SglfReadOptions,
} from './formats/sglf/reader.js'
export { writeSglf, formatSglf, emptySglfTile } from './formats/sglf/writer.js'
export type { SglfTileInput } from './formats/sglf/writer.js'
export {
  readFastj,
  fastjRecords,
  parseFastjHeader,
  validateFastj,
  validateFastjRecord,
  validateFastjTiling,
  FastjValidationError,
  tagmaskMd5,
  joinAllele,
  fastjCsvRows,
} from './formats/fastj/reader.js'
export type { FastjRecord, FastjHeader, FastjLocus, FastjRule } from './formats/fastj/reader.js'
export {
  writeFastj,
  formatFastjRecord,
  formatFastjHeader,
  fastjToCsv,
  FASTJ_WIDTH,
} from './formats/fastj/writer.js'
export { bandFromFastj, matchVariant, nocallRuns } from './formats/band/fromFastj.js'
export { reconstructAllele, reconstructAlleles } from './formats/band/reconstruct.js'
export type { TileLibrary } from './formats/band/reconstruct.js'
export { csvChunks, writeTextFile, compressionFor } from './formats/text-writer.js'
export type { Compression } from './formats/text-writer.js'
export { TileResolver } from './resolver/TileResolver.js'
export type {
  StoreOpener,
  StoreSource,
  TileResolverOptions,
  TileQueryOptions,
  TileSequence,
  TileLocation,
  TileVariant,
  GenomeStep,
  Genome,
} from './resolver/TileResolver.js'
export { openTileResolver } from './resolver/node.js'
export { storeStats, storeFileList, readPathCounts, readStoreManifest } from './store/stats.js'
export type {
  StoreStats,
  StatsOptions,
  PathStats,
  VariableTile,
  PartSize,
  StorePart,
  StoreFile,
  LoadedCounts,
} from './store/stats.js'
export { verifyStore, formatProblem } from './store/verify.js'
export type { VerifyProblem, VerifyResult, VerifyOptions } from './store/verify.js'
export { parseManifest, storeFiles, STORE_FORMAT, STORE_FORMAT_VERSION } from './store/manifest.js'
export type { StoreManifest, ManifestPath, ManifestSample } from './store/manifest.js'
export { storeToVcf } from './store/vcf.js'
export type { StoreVcfOptions } from './store/vcf.js'
export { buildStore, buildName } from './tiling/build.js'
export type { BuildOptions, BuildResult } from './tiling/build.js'
export { openReference } from './tiling/reference.js'
export type { ReferenceFasta } from './tiling/reference.js'
export { pickTags } from './tiling/tags.js'
export type { PathTags, PickTagsOptions } from './tiling/tags.js'
export { VcfHaplotypeSource } from './tiling/haplotypes.js'
export { PathLibraryBuilder, tilesFromEdits, bandOf } from './tiling/tiles.js'
export type { Tile, PathLibrary, LibraryVariant } from './tiling/tiles.js'
export { alignTile } from './variants/align.js'
export { TileVariantCaller, tilesToVcf, vcfHeader } from './variants/vcf.js'
export type { ProgressCallback, Progress } from './core/progress.js'
