// The browser-safe entry point `lightning-tiles/reader`: the resolver, the readers, VCF export,
// stats and verify — nothing that imports Node modules (no writers, no LocalFile). Bundles with
// esbuild --platform=browser as is.
export * from './core/errors.js'
export * from './core/hex.js'
export * from './core/tileId.js'
export * from './core/region.js'
export * from './core/filehandle.js'
export { RemoteFile, BlobFile } from 'generic-filehandle2'
export type { GenericFilehandle } from 'generic-filehandle2'
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
export { TagsetReader, DEFAULT_TAG_LENGTH } from './formats/tagset/reader.js'
export type { TagsetOptions, TagsetForm, TileTags } from './formats/tagset/reader.js'
export {
  AssemblyReader,
  parseFwi,
  parseAssemblyBlock,
  parseAssemblyName,
  fwiNextOffset,
  ASSEMBLY_LINE_BYTES,
  ASSEMBLY_LINE_WIDTH,
} from './formats/assembly/reader.js'
export type {
  AssemblyPathInfo,
  AssemblySteps,
  AssemblyTile,
  ReferenceInterval,
  AssemblyReaderOptions,
} from './formats/assembly/reader.js'
export { SpanTable, readSpans, parseSpanLine } from './formats/span/reader.js'
export type { SpanEntry } from './formats/span/reader.js'
export {
  readSglfTiles,
  readSglfPath,
  readSglfPaths,
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
  SglfPath,
  SglfStep,
  SglfRule,
  SglfReadOptions,
} from './formats/sglf/reader.js'
export * from './formats/band/band.js'
export { reconstructAllele, reconstructAlleles } from './formats/band/reconstruct.js'
export { parseManifest, storeFiles, STORE_FORMAT, STORE_FORMAT_VERSION } from './store/manifest.js'
export type { StoreManifest, ManifestPath, ManifestSample } from './store/manifest.js'
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
  Carrier,
} from './resolver/TileResolver.js'
export { storeToVcf } from './store/vcf.js'
export type { StoreVcfOptions } from './store/vcf.js'
export { STEP_CLASSES, storeConcordance } from './store/concordance.js'
export type { StepClass, StoreConcordance } from './store/concordance.js'
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
export type { VerifyResult, VerifyProblem, VerifyOptions } from './store/verify.js'
export * from './formats/cgf/index.js'
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
export { bandFromFastj, matchVariant, nocallRuns } from './formats/band/fromFastj.js'
export type { TileLibrary } from './formats/band/reconstruct.js'
export { alignTile } from './variants/align.js'
export { TileVariantCaller, tilesToVcf, vcfHeader } from './variants/vcf.js'
export type { ProgressCallback, Progress } from './core/progress.js'
export { parseExpression } from './query/expr/parse.js'
export type { ExprNode, UnaryOp, BinaryOp } from './query/expr/parse.js'
export { compileExpression, compileCondition } from './query/expr/compile.js'
export type {
  Scope,
  Variable,
  ValueType,
  ExprType,
  ExprValue,
  CompiledExpression,
  CompiledCondition,
} from './query/expr/compile.js'
export { ExpressionError } from './query/expr/error.js'
export { resolveGroups, groupStatistic } from './query/groups.js'
export type { SampleGroup, ResolveGroupsOptions, GroupStatistic } from './query/groups.js'
export { SampleTable, SampleTableBuilder, SAMPLE_NAME_KEY } from './samples/table.js'
export type { SampleField, FieldType, FieldValue, Alignment } from './samples/table.js'
export { parseFmf, formatFmf } from './samples/fmf.js'
export type { TextLine } from './samples/fmf.js'
export { parseTsv } from './samples/tsv.js'
export { parsePed } from './samples/ped.js'
export {
  readSampleTable,
  readStoreSamples,
  parseSampleTable,
  detectSampleFormat,
  textLines,
  SAMPLE_FORMATS,
  SAMPLES_FILE,
} from './samples/read.js'
export type {
  SampleFormat,
  ParsedSamples,
  ReadSamplesOptions,
  StoreSamples,
} from './samples/read.js'
