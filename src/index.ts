// The public API `lightning-tiles`: everything of the browser-safe `lightning-tiles/reader`, plus
// the Node-only parts — opening a store directory, building a store, and the writer of every
// format (each writes through a temporary name and renames into place).
export * from './reader.js'
export { LocalFile } from 'generic-filehandle2'
export { openStore } from './store/node.js'
export { openTileResolver } from './resolver/node.js'
export { buildStore } from './tiling/build.js'
export type { BuildOptions, BuildResult } from './tiling/build.js'
// imputation against a store (runs Beagle 5)
export { imputeFromStore, planImputation } from './impute/impute.js'
export type { ImputeOptions, ImputeResult } from './impute/impute.js'
export { conformTarget } from './impute/qc.js'
export type { QcOptions, QcResult } from './impute/qc.js'
export { writePanel, writeGeneticMap } from './impute/panel.js'
export { addToStore } from './tiling/add.js'
export type { AddOptions, AddResult } from './tiling/add.js'
export { compactStore } from './store/compact.js'
export type { CompactOptions, CompactResult } from './store/compact.js'
export { indexAlleles } from './alleles/writer.js'
export type { IndexAllelesOptions, IndexAllelesResult } from './alleles/writer.js'

// writers
export { writeBgzfFile } from './container/bgzf/writer.js'
export type { BgzfWriterOptions } from './container/bgzf/writer.js'
export { writeTarBgzf } from './container/tar/writer.js'
export type { TarMember, TarWriterOptions } from './container/tar/writer.js'
export { encodeTwoBit, writeTwoBitFile } from './formats/twobit/writer.js'
export type { TwoBitWriteOptions } from './formats/twobit/writer.js'
export { writeTagset2bit } from './formats/tagset/writer.js'
export type { TagsetWriteOptions } from './formats/tagset/writer.js'
export { writeAssembly } from './formats/assembly/writer.js'
export type { AssemblyPathInput } from './formats/assembly/writer.js'
export { writeSpanFile } from './formats/span/writer.js'
export { writeSglf } from './formats/sglf/writer.js'
export type { SglfTileInput } from './formats/sglf/writer.js'
export { writeCgfFile } from './formats/cgf/writer.js'
export { writeFastj } from './formats/fastj/writer.js'
export { importStoreSamples } from './samples/writer.js'
export { annotateStore } from './annotations/writer.js'
export type { AnnotationSource, AnnotateOptions } from './annotations/writer.js'
export type { ImportSamplesOptions, ImportedSamples } from './samples/writer.js'

// exports for notebooks: a region's matrix as NPY / Parquet / Arrow IPC with its labels
export { exportMatrix, EXPORT_FORMATS } from './export/matrix-writer.js'
export type { ExportFormat, ExportMatrixOptions, ExportResult } from './export/matrix-writer.js'
export { openMatrixExport } from './export/matrix.js'
export type {
  Labels,
  MatrixBlock,
  MatrixDtype,
  MatrixExport,
  MatrixExportOptions,
  MatrixKind,
  MatrixValues,
} from './export/matrix.js'
