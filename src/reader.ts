// The browser-safe entry point `lightning-tiles/reader`: a store and the questions it answers
// (Store, TileResolver, VCF export, stats, verify), the readers of every format, errors and types.
// Nothing here imports Node modules; it bundles with esbuild --platform=browser as is. Parsers of
// single lines and blocks, caches and stream plumbing stay internal.

// errors, tile IDs, regions
export {
  LightningError,
  FormatError,
  ValidationError,
  RuleError,
  NotFoundError,
  ArgumentError,
  AbortError,
} from './core/errors.js'
export type { AbortOptions, Place } from './core/errors.js'
export { parseTileId, formatTileId, formatStepId, formatPath } from './core/tileId.js'
export type { TileId, TilePosition } from './core/tileId.js'
export { parseRegion, formatRegion } from './core/region.js'
export type { Region } from './core/region.js'
export type { ProgressCallback, Progress } from './core/progress.js'

// files: any GenericFilehandle (generic-filehandle2), named for messages
export { RemoteFile, BlobFile } from 'generic-filehandle2'
export type { GenericFilehandle } from 'generic-filehandle2'
export type { NamedFile } from './core/filehandle.js'

// a store and what it answers
export { Store } from './store/Store.js'
export type { StoreSource, StoreOpener, StoreOptions, StepCounts } from './store/Store.js'
export { storeFiles } from './store/layout.js'
export type { StoreFile, StorePart } from './store/layout.js'
export { AlleleIndex } from './alleles/reader.js'
export type { AlleleSite, StepClaim } from './alleles/site.js'
export type { StoreManifest, ManifestPath, ManifestSample } from './store/manifest.js'
export type { CountsHeader, LoadedCounts } from './library/counts.js'
export { TileResolver } from './resolver/TileResolver.js'
export type {
  TileQueryOptions,
  TileSequence,
  TileLocation,
  TileVariant,
  GenomeStep,
  Genome,
  Carrier,
} from './resolver/TileResolver.js'
export { storeToVcf, storeToVcfBytes } from './export/vcf.js'
export type { StoreVcfOptions } from './export/vcf.js'
export { storeStats } from './inspect/stats.js'
export type {
  StoreStats,
  StatsOptions,
  PathStats,
  VariableTile,
  PartSize,
} from './inspect/stats.js'
export { verifyStore, formatProblem } from './inspect/verify.js'
export type { VerifyResult, VerifyProblem, VerifyOptions } from './inspect/verify.js'

// containers: BGZF with its .gzi, 2bit-tar with its .tai
export { BgzfReader } from './container/bgzf/reader.js'
export { TarIndex, TarReader, parseUstarHeader } from './container/tar/reader.js'
export type { TarEntry, TarFiles, UstarHeader } from './container/tar/reader.js'

// formats
export { TwoBitReader, parseTwoBit } from './formats/twobit/reader.js'
export type {
  TwoBitRecord,
  TwoBitHeader,
  TwoBitRecordHeader,
  TwoBitDecodeOptions,
  TwoBitSequenceOptions,
} from './formats/twobit/reader.js'
export { TagsetReader, DEFAULT_TAG_LENGTH } from './formats/tagset/reader.js'
export type { TagsetOptions, TagsetForm, TileTags } from './formats/tagset/reader.js'
export { AssemblyReader } from './formats/assembly/reader.js'
export type {
  AssemblyPathInfo,
  AssemblySteps,
  AssemblyTile,
  ReferenceInterval,
  AssemblyReaderOptions,
} from './formats/assembly/reader.js'
export { SpanTable, readSpans } from './formats/span/reader.js'
export type { SpanEntry } from './formats/span/reader.js'
export {
  readSglfTiles,
  readSglfPath,
  readSglfPaths,
  sglfPathVersions,
  libraryVersion,
  SglfValidator,
  SglfValidationError,
} from './formats/sglf/reader.js'
export type {
  SglfTile,
  SglfPath,
  SglfStep,
  SglfRule,
  SglfReadOptions,
} from './formats/sglf/reader.js'
export { parseBand, parseBands, formatBand } from './formats/band/band.js'
export type { Band } from './formats/band/band.js'
export { reconstructAllele, reconstructAlleles } from './formats/band/reconstruct.js'
export type { TileLibrary } from './formats/band/reconstruct.js'
export { bandFromFastj } from './formats/band/fromFastj.js'
export {
  CgfReader,
  encodeCgf,
  decodedToBand,
  formatHiqBand,
  concordance,
} from './formats/cgf/index.js'
export type {
  CgfHeader,
  CgfPathEntry,
  CgfEncodeOptions,
  CgfPathInput,
  DecodedPath,
  StepAlleles,
  Concordance,
} from './formats/cgf/index.js'
export {
  readFastj,
  validateFastj,
  FastjValidationError,
  joinAllele,
} from './formats/fastj/reader.js'
export type { FastjRecord, FastjHeader, FastjLocus, FastjRule } from './formats/fastj/reader.js'
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
export { resolveGroups } from './query/groups.js'
export type { SampleGroup, ResolveGroupsOptions } from './query/groups.js'
export { SampleTable } from './samples/table.js'
export type { SampleField, FieldType, FieldValue } from './samples/table.js'
export {
  readSampleTable,
  readStoreSamples,
  parseSampleTable,
  SAMPLE_FORMATS,
} from './samples/read.js'
export type {
  SampleFormat,
  ParsedSamples,
  ReadSamplesOptions,
  StoreSamples,
} from './samples/read.js'
export { GeneModel, isCodingBiotype } from './genes/model.js'
export type { Gene, Transcript, Interval, Strand, GeneModelStats } from './genes/model.js'
export { readGeneModel, GENE_FILE_FORMATS } from './genes/read.js'
export type { GeneFileFormat, ReadGenesOptions } from './genes/read.js'
export { ConsequencePredictor, consequences } from './consequence/predict.js'
export type { HaplotypeConsequences, AlleleLocation, LocatedAllele } from './consequence/predict.js'
export { annotateVcf } from './consequence/vcf.js'
export type { AnnotatedRecord, AnnotateVcfOptions } from './consequence/vcf.js'
export { bcsqEntries, formatBcsq, formatProtein, csqBiotype } from './consequence/bcsq.js'
export { CONSEQUENCE_TYPES, soTerm } from './consequence/types.js'
export type {
  Allele,
  ConsequenceType,
  ProteinChange,
  TranscriptConsequence,
} from './consequence/types.js'
export type { SequenceSource } from './consequence/reference.js'
export { HaplotypePanel } from './ld/panel.js'
export type { AlleleArray, OtherAllele, PanelOptions, AddSiteOptions } from './ld/panel.js'
export { ldTriangle, ldAgainst, LdPairs } from './ld/window.js'
export type { LdOptions } from './ld/window.js'
export type { PairStats } from './ld/pair.js'
export { addTileVariants } from './ld/tileVariants.js'
export type { StepVariants, TileVariantSite, TileVariantOptions } from './ld/tileVariants.js'
export type { StoreLdOptions, StoreLdResult, LdSite } from './ld/store.js'
export { siteFrequencies } from './ld/freq.js'
export type { GroupFrequency } from './ld/freq.js'
export { hweExact } from './ld/hwe.js'
export { ldHeatmapSvg } from './plot/ldHeatmap.js'
export type { LdHeatmapOptions, HeatmapGene, HeatmapPairs } from './plot/ldHeatmap.js'
export { freqPlotSvg } from './plot/freqPlot.js'
export type { FreqPlotOptions, FreqPlotGroup } from './plot/freqPlot.js'
export {
  query,
  prepareQuery,
  parseAlleleName,
  AlleleSetCounter,
  queryRecords,
} from './query/view.js'
export { queryToVcfBytes } from './query/viewText.js'
export type {
  QueryOptions,
  QueryRecord,
  QueryBatch,
  PreparedQuery,
  AlleleName,
} from './query/view.js'
export { genotypeSites, genotypeBatches } from './query/genotypes.js'
export type { RecordBatch, VcfSite } from './variants/vcfBytes.js'
export { tileRecords } from './query/tiles.js'
export type { TileRecord, TileRecordOptions } from './query/tiles.js'
export { StoreAnnotations, AnnotationSet } from './annotations/reader.js'
export type { AnnotationField, AnnotationRecord, AnnotationValue } from './annotations/table.js'
export type { GenotypeSite, GenotypeBatch, GenotypeOptions } from './query/genotypes.js'
export { STEP_CLASSES, storeConcordance } from './store/concordance.js'
export type { StepClass, StoreConcordance } from './store/concordance.js'
