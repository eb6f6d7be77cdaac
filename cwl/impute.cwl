#!/usr/bin/env cwl-runner
# Imputation against a lightning-tiles store, the pipeline of `lightning-tiles impute` as steps a
# cluster runner (Toil, Arvados) can spread out: a panel per chunk window from the store, QC of
# the target against the panels, Beagle 5 per chunk, the chunks joined by the midpoint rule.
# The chunk windows come from `lightning-tiles impute STORE --target T --print-chunks` (same
# --chunk/--overlap), so a run gives the same imputed VCF as `lightning-tiles impute`.
# Needs `lightning-tiles` and `beagle` (Debian package beagle) on PATH.
#   cwltool cwl/impute.cwl job.yml
cwlVersion: v1.2
class: Workflow
label: impute a target VCF against a lightning-tiles store

requirements:
  ScatterFeatureRequirement: {}
  MultipleInputFeatureRequirement: {}
  StepInputExpressionRequirement: {}
  InlineJavascriptRequirement: {}

hints:
  SoftwareRequirement:
    packages:
      lightning-tiles: {}
      beagle: { version: ['5.4'] }

inputs:
  store: { type: Directory, doc: the store (a reference panel of phased genomes) }
  target: { type: File, doc: the target (array) VCF }
  windows:
    type: string[]
    doc: chunk windows CHR:BEGIN-END, in order (lightning-tiles impute --print-chunks)
  samples: { type: string?, doc: 'panel samples: an expression, ,NAME,NAME or @FILE' }
  seed: { type: int, default: 1 }
  threads: { type: int, default: 1 }
  map: { type: File?, doc: PLINK genetic map for Beagle }

outputs:
  imputed:
    type: File
    outputSource: join/imputed
  qc_counts:
    type: File
    outputSource: conform/counts
  qc_dropped:
    type: File
    outputSource: conform/dropped
  beagle_logs:
    type: File[]
    outputSource: beagle/log

steps:
  panel:
    scatter: window
    in:
      store: store
      window: windows
      samples: samples
    out: [panel]
    run:
      class: CommandLineTool
      baseCommand: [lightning-tiles, panel]
      inputs:
        store: { type: Directory, inputBinding: { position: 1 } }
        window: { type: string, inputBinding: { prefix: -r } }
        samples: { type: string?, inputBinding: { prefix: -s } }
      arguments: [-o, panel.vcf.gz]
      outputs:
        panel: { type: File, outputBinding: { glob: panel.vcf.gz } }

  conform:
    in:
      panels: panel/panel
      target: target
    out: [conformed, counts, dropped]
    run:
      class: CommandLineTool
      baseCommand: [lightning-tiles, conform]
      inputs:
        panels: { type: 'File[]', inputBinding: { prefix: --panel } }
        target: { type: File, inputBinding: { prefix: --target } }
      arguments: [-o, qc]
      outputs:
        conformed: { type: File, outputBinding: { glob: qc/conformed.vcf.gz } }
        counts: { type: File, outputBinding: { glob: qc/counts.tsv } }
        dropped: { type: File, outputBinding: { glob: qc/dropped.tsv } }

  beagle:
    scatter: [ref, window]
    scatterMethod: dotproduct
    in:
      gt: conform/conformed
      ref: panel/panel
      window: windows
      seed: seed
      threads: threads
      map: map
    out: [chunk, log]
    run:
      class: CommandLineTool
      # the arguments of src/impute/beagle.ts beagleArgs
      baseCommand: beagle
      inputs:
        gt: { type: File, inputBinding: { prefix: gt=, separate: false, position: 1 } }
        ref: { type: File, inputBinding: { prefix: ref=, separate: false, position: 2 } }
        window: { type: string, inputBinding: { prefix: chrom=, separate: false, position: 4 } }
        seed: { type: int, inputBinding: { prefix: seed=, separate: false, position: 6 } }
        threads: { type: int, inputBinding: { prefix: nthreads=, separate: false, position: 7 } }
        map: { type: File?, inputBinding: { prefix: map=, separate: false, position: 8 } }
      arguments:
        # named after the window, so the logs of all chunks can sit in one output folder
        - { valueFrom: '$("out=chunk-" + inputs.window.replace(/[:]/g, "_"))', position: 3 }
        - { valueFrom: gp=true, position: 5 }
      outputs:
        chunk:
          type: File
          outputBinding: { glob: '$("chunk-" + inputs.window.replace(/[:]/g, "_") + ".vcf.gz")' }
        log:
          type: File
          outputBinding: { glob: '$("chunk-" + inputs.window.replace(/[:]/g, "_") + ".log")' }

  join:
    in:
      chunks: beagle/chunk
    out: [imputed]
    run:
      class: CommandLineTool
      baseCommand: [lightning-tiles, impute-join]
      inputs:
        chunks: { type: 'File[]', inputBinding: { position: 1 } }
      arguments: [-o, imputed.vcf.gz]
      outputs:
        imputed:
          type: File
          secondaryFiles: [.csi]
          outputBinding: { glob: imputed.vcf.gz }
