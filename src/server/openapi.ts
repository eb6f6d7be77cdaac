// The server's routes as data: each path with the JSON schema of its query string (Fastify
// validates requests with them) and the words of its OpenAPI description, so the two cannot drift.

type Schema = Record<string, unknown>

export interface RouteSpec {
  path: string
  summary: string
  query: Schema
  params?: Schema
  /** the media types of a 200 answer */
  produces: string[]
}

const store = { type: 'string', description: 'store name (default: the first served)' }
const region = {
  type: 'string',
  minLength: 1,
  description: 'region CHR:BEGIN-END (1-based, inclusive)',
}
const by = {
  type: 'string',
  description: 'one group per value of this sample metadata key (one the server allows)',
}
const presence = (what: string) => ({
  type: 'string',
  description: `${what} (BGT: present = on; 0 or false = off)`,
})

/** The view query's parameters, with BGT's names. */
const viewQuery: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    store,
    a: {
      type: 'array',
      items: { type: 'string' },
      description: 'alleles CHR:POS:REFLEN:ALT (BGT) or CHR:POS:REF:ALT, or ,A,B lists',
    },
    s: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      maxItems: 64,
      description:
        'a sample group (repeatable): an expression over the allowed metadata keys (pop=="FIN"), or ,A,B names of public samples',
    },
    f: {
      type: 'string',
      description: 'site filter over AC, AN, AF, AC#k/ACk… (.and./.or. allowed)',
    },
    t: { type: 'string', description: 'TSV of comma-separated expressions (CHROM,POS,AC1/AN1)' },
    r: { type: 'string', description: 'regions, comma-separated CHR:BEGIN-END (1-based)' },
    g: presence('drop genotypes'),
    n: { type: 'integer', minimum: 0, description: 'at most N records (more: truncated, marked)' },
    S: presence('with a: samples carrying every allele (public ones named, others counted)'),
    H: presence('with a: haplotype counts over the alleles per group'),
    C: presence('AN/AC (and per group) in INFO'),
    format: {
      type: 'string',
      enum: ['vcf', 'tsv', 'json'],
      description: 'output (default vcf, tsv with t/S/H)',
    },
  },
}

const tileParams: Schema = {
  type: 'object',
  properties: {
    id: {
      type: 'string',
      pattern:
        '^[0-9a-fA-F]{4}\\.[0-9a-fA-F]{2}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{3}(\\+[0-9a-fA-F]+)?$',
      description: 'tile ID PPPP.VV.SSSS.VVV[+SPAN]',
    },
  },
  required: ['id'],
}

export const routes: RouteSpec[] = [
  {
    path: '/query',
    summary: "BGT's view query (also answered at / when it has parameters)",
    query: viewQuery,
    produces: ['text/x-vcf', 'text/tab-separated-values', 'application/json'],
  },
  {
    path: '/stores',
    summary: 'the stores served, their sample counts and the keys groups may be formed by',
    query: { type: 'object', additionalProperties: false, properties: {} },
    produces: ['application/json'],
  },
  {
    path: '/contigs',
    summary: "a store's assembly build and contigs",
    query: { type: 'object', additionalProperties: false, properties: { store } },
    produces: ['application/json'],
  },
  {
    path: '/tile/:id',
    summary: 'a tile variant: bases, edits against the reference tile, carriers counted per group',
    query: { type: 'object', additionalProperties: false, properties: { store, by } },
    params: tileParams,
    produces: ['application/json'],
  },
  {
    path: '/locate/:id',
    summary: "a tile's reference interval (0-based half-open)",
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { store, assembly: { type: 'string' } },
    },
    params: tileParams,
    produces: ['application/json'],
  },
  {
    path: '/tiles',
    summary: 'the reference tiles over a region',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['r'],
      properties: { store, r: region },
    },
    produces: ['application/json'],
  },
  {
    path: '/freq',
    summary: 'allele and genotype frequencies, HWE p, of every site of a region per group',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['r'],
      properties: { store, r: region, by },
    },
    produces: ['application/json'],
  },
  {
    path: '/ld',
    summary: 'LD (r², D′) of the site pairs of a region in one group, JSON or the SVG heatmap',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['r'],
      properties: {
        store,
        r: region,
        group: { type: 'string', minLength: 1, description: 'the sample group (as s)' },
        format: { type: 'string', enum: ['json', 'svg'] },
        minR2: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
    produces: ['application/json', 'image/svg+xml'],
  },
  {
    path: '/genes',
    summary: 'genes over a region (from --annotations)',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['r'],
      properties: { store, r: region },
    },
    produces: ['application/json'],
  },
]

/** Fastify's `:id` as OpenAPI's `{id}`. */
const openApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}')

function parameters(route: RouteSpec): Schema[] {
  const out: Schema[] = []
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue
    const props = (schema.properties ?? {}) as Record<string, Schema>
    const required = new Set((schema.required ?? []) as string[])
    for (const [name, s] of Object.entries(props)) {
      const { description, ...rest } = s
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
        ...(rest.type === 'array' ? { style: 'form', explode: true } : {}),
      })
    }
  }
  return out
}

/** The OpenAPI 3.1 description of the routes. */
export function openApi(): Schema {
  const error = {
    description: 'an error',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: { error: { type: 'string' }, column: { type: 'integer' } },
          required: ['error'],
        },
      },
    },
  }
  const doc: Schema = {
    openapi: '3.1.0',
    info: {
      title: 'lightning-tiles serve',
      version: '1',
      description:
        'Queries over Lightning tile stores, with privacy by minimal group size: groups are formed by allowed metadata keys, no group (nor any difference or intersection of the groups answered) may set apart fewer samples than their minimal group size, and samples with a minimal group size above 1 are never shown individually.',
    },
    paths: Object.fromEntries(
      [
        ...routes,
        {
          path: '/openapi.json',
          summary: 'this description',
          query: {},
          produces: ['application/json'],
        },
      ].map((r) => [
        openApiPath(r.path),
        {
          get: {
            summary: r.summary,
            parameters: parameters(r),
            responses: {
              200: {
                description: 'the answer',
                content: Object.fromEntries(r.produces.map((t) => [t, {}])),
              },
              400: { ...error, description: 'a malformed parameter (column of an expression)' },
              403: { ...error, description: 'refused by the minimal group size' },
              404: { ...error, description: 'an unknown store or tile' },
              503: { ...error, description: 'too many requests at once' },
              504: { ...error, description: 'the query ran past the timeout' },
            },
          },
        },
      ]),
    ),
  }
  Object.assign(doc.paths as object, imputePaths(error))
  return doc
}

/** POST /impute and its job's status and files (src/server/nodeImpute.ts). */
function imputePaths(error: Schema): Schema {
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }
  return {
    '/impute': {
      post: {
        summary:
          'impute the target VCF of the body (plain or gzipped) against a store: 202 with the job id; the panel is never returned',
        parameters: [
          { name: 'store', in: 'query', schema: { type: 'string' } },
          { name: 's', in: 'query', schema: { type: 'string' }, description: 'panel samples' },
          { name: 'chunk', in: 'query', schema: { type: 'integer', minimum: 10000 } },
        ],
        requestBody: {
          required: true,
          content: { 'application/octet-stream': {}, 'application/gzip': {}, 'text/plain': {} },
        },
        responses: {
          202: { description: 'the job, queued' },
          400: { ...error, description: 'no body or a malformed parameter' },
          403: { ...error, description: 'the panel is smaller than its minimal group size' },
          503: { ...error, description: 'beagle or Java is not installed' },
        },
      },
    },
    '/impute/{id}': {
      get: {
        summary: 'the job: state, progress (phase, done, total), QC counts, the one-line error',
        parameters: [id],
        responses: { 200: { description: 'the status' }, 404: error },
      },
    },
    '/impute/{id}/{file}': {
      get: {
        summary: 'a finished job file: report.html, imputed.vcf.gz, imputed.vcf.gz.csi',
        parameters: [id, { name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'the file' }, 404: error },
      },
    },
  }
}
