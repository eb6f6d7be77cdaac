// `serve --annotations`: /genes over a region against the gene lines of the GFF3 itself (awk),
// the genes drawn under the LD heatmap, and 404 when the server has no annotations.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { readGeneModel } from '../src/genes/read.js'
import { openFile } from '../src/core/nodeFile.js'
import { servedCohort } from './serveFixture.js'

const GFF = 'testdata/genes/Homo_sapiens.GRCh37.75.chr20.1-4000000.gff3.gz'
const FROM = 1_140_001
const TO = 1_170_000

describe('serve: genes from --annotations', () => {
  const { serve } = servedCohort('serve-genes-')

  it('lists the genes of a region as the GFF3 has them', async () => {
    const annotations = await readGeneModel({ name: GFF, handle: openFile(GFF) })
    const s = await serve({ annotations })
    try {
      const res = await s.get(`/genes?r=20:${FROM}-${TO}`)
      expect(res.status).toBe(200)
      const { genes } = (await res.json()) as {
        genes: { name: string; start: number; end: number; strand: string; exons: unknown[] }[]
      }
      const expected = execFileSync(
        'bash',
        [
          '-c',
          `zcat ${GFF} | awk -F'\\t' '$3=="gene" && $4<=${TO} && $5>=${FROM} {match($9,/Name=[^;]+/); print substr($9,RSTART+5,RLENGTH-5)"\\t"$4-1"\\t"$5"\\t"$7}' | sort`,
        ],
        { encoding: 'utf8' },
      )
      expect(
        genes
          .map((g) => `${g.name}\t${g.start}\t${g.end}\t${g.strand}`)
          .sort()
          .join('\n') + '\n',
      ).toBe(expected)
      expect(genes.every((g) => g.exons.length > 0)).toBe(true)
      const svg = await (await s.get(`/ld?r=20:${FROM}-${FROM + 5000}&format=svg`)).text()
      expect(svg).toContain('PSMF1')
    } finally {
      await s.close()
    }
    const bare = await serve()
    try {
      const res = await bare.get(`/genes?r=20:${FROM}-${TO}`)
      expect(res.status).toBe(404)
      expect(((await res.json()) as { error: string }).error).toMatch(/--annotations/)
    } finally {
      await bare.close()
    }
  })
})
