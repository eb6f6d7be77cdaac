/** Progress of a long operation, reported through `onProgress` callbacks. */
export interface Progress {
  /** what is being done now, e.g. 'picking tags', 'tiling path 0000' */
  phase: string
  /** units done so far and the total (same unit, e.g. bases or records); total 0 = unknown */
  done: number
  total: number
}

/** Called with the progress of a long operation. */
export type ProgressCallback = (progress: Progress) => void
