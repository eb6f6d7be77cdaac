#!/usr/bin/env cwl-runner
# Build a lightning-tiles store on a cluster: pick the paths and tags once, build runs of paths as
# partial stores in parallel (one job each: scattered), merge them into the store one `build`
# makes, file for file. Runs with cwltool locally, and as it is on Toil or Arvados. Needs
# `lightning-tiles` on PATH (npm install -g lightning-tiles, or `npm link` in a clone).
cwlVersion: v1.2
class: Workflow
label: lightning-tiles build, scattered over runs of tile paths
requirements:
  ScatterFeatureRequirement: {}

inputs:
  reference:
    type: File
    doc: reference FASTA (plain, or bgzipped with .fai and .gzi beside it)
    secondaryFiles:
      - pattern: .fai
        required: false
      - pattern: .gzi
        required: false
  vcf:
    type: File
    doc: the cohort VCF (bgzipped or plain), sorted as the reference
  samples_file:
    type: File?
    doc: only these samples, one name per line (default all of the VCF's)
  path_length:
    type: int?
    doc: maximum bases per tile path (default 4,000,000)
  path_ranges:
    type: string[]
    doc: runs of paths FIRST-LAST, one job each; together every path once (e.g. [0-1, 2-3])
  store_name:
    type: string
    default: store

outputs:
  store:
    type: Directory
    outputSource: merge/store

steps:
  tags:
    in:
      reference: reference
      path_length: path_length
    out: [tags]
    run:
      class: CommandLineTool
      baseCommand: [lightning-tiles, build, --tags-only, --out, tags.json]
      inputs:
        reference:
          type: File
          inputBinding: { prefix: --reference }
          secondaryFiles:
            - { pattern: .fai, required: false }
            - { pattern: .gzi, required: false }
        path_length:
          type: int?
          inputBinding: { prefix: --path-length }
      outputs:
        tags:
          type: File
          outputBinding: { glob: tags.json }

  paths:
    scatter: range
    in:
      reference: reference
      vcf: vcf
      samples_file: samples_file
      tags: tags/tags
      range: path_ranges
    out: [part]
    run:
      class: CommandLineTool
      baseCommand: [lightning-tiles, build, --threads, '1', --out, part]
      inputs:
        reference:
          type: File
          inputBinding: { prefix: --reference }
          secondaryFiles:
            - { pattern: .fai, required: false }
            - { pattern: .gzi, required: false }
        vcf:
          type: File
          inputBinding: { prefix: --vcf }
        samples_file:
          type: File?
          inputBinding: { prefix: --samples-file }
        tags:
          type: File
          inputBinding: { prefix: --tags }
        range:
          type: string
          inputBinding: { prefix: --paths }
      outputs:
        part:
          type: Directory
          outputBinding: { glob: part }

  merge:
    in:
      parts: paths/part
      store_name: store_name
    out: [store]
    run:
      class: CommandLineTool
      baseCommand: [lightning-tiles, merge]
      inputs:
        parts:
          type: Directory[]
          inputBinding: { position: 1 }
        store_name:
          type: string
          inputBinding: { prefix: --out, position: 2 }
      outputs:
        store:
          type: Directory
          outputBinding: { glob: $(inputs.store_name) }
