// The page's imputation panel (server mode only): upload a target VCF, pick the panel (a store
// and a sample expression), run, follow the job's progress, then link to its report and VCF.
import { escapeXml } from '../src/plot/svg.js'

interface JobStatus {
  id: string
  state: 'queued' | 'running' | 'done' | 'failed'
  progress?: { phase: string; done: number; total: number }
  qc?: { sites: number; kept: number }
  sites?: number
  error?: string
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

async function errorOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => ({}))) as { error?: string }
  return body.error ?? `HTTP ${res.status}`
}

async function run(): Promise<void> {
  const out = $('impute-status')
  const bar = $<HTMLProgressElement>('impute-progress')
  const file = $<HTMLInputElement>('impute-file').files?.[0]
  if (!file) {
    out.textContent = 'choose a target VCF (plain or gzipped) first'
    return
  }
  const params = new URLSearchParams({ store: $<HTMLSelectElement>('impute-store').value })
  const s = $<HTMLInputElement>('impute-s').value.trim()
  if (s) params.set('s', s)
  out.textContent = 'uploading…'
  const res = await fetch(`impute?${params}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: file,
  })
  if (res.status !== 202) {
    out.innerHTML = `<span class="error">${escapeXml(await errorOf(res))}</span>`
    return
  }
  const { id } = (await res.json()) as JobStatus
  bar.hidden = false
  for (;;) {
    const poll = await fetch(`impute/${id}`)
    if (!poll.ok) {
      out.innerHTML = `<span class="error">${escapeXml(await errorOf(poll))}</span>`
      return
    }
    const job = (await poll.json()) as JobStatus
    const p = job.progress
    if (p) {
      bar.max = Math.max(1, p.total)
      bar.value = p.done
    }
    if (job.state === 'failed') {
      out.innerHTML = `<span class="error">${escapeXml(job.error ?? 'failed')}</span>`
      return
    }
    if (job.state === 'done') {
      bar.value = bar.max
      out.innerHTML =
        `${job.sites} sites imputed, ${job.qc?.kept} of ${job.qc?.sites} target sites kept by QC: ` +
        `<a id="impute-report" href="impute/${id}/report.html" target="_blank">report</a> · ` +
        `<a id="impute-vcf" href="impute/${id}/imputed.vcf.gz">imputed.vcf.gz</a> ` +
        `(<a href="impute/${id}/imputed.vcf.gz.csi">.csi</a>)`
      return
    }
    out.textContent = p ? `${job.state}: ${p.phase} ${p.done}/${p.total}` : job.state
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/** Show the panel with the server's stores and wire its Run button. */
export function imputePanel(stores: string[]): void {
  const picker = $<HTMLSelectElement>('impute-store')
  for (const name of stores) picker.add(new Option(name, name))
  $('impute').hidden = false
  $('impute-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void run().catch((err: unknown) => ($('impute-status').textContent = (err as Error).message))
  })
}
