// One timed run of a shell command, as the query bench times every tool (and its driver times the
// peers it alternates with ours): kept apart from lib.ts, which loads src/, so that the driver,
// which times the built dist/, loads nothing else.
import { spawnSync } from 'node:child_process'

export interface Timing {
  /** seconds */
  wall: number
  /** user + system seconds */
  cpu: number
  peakMiB: number
}

/**
 * Wall and CPU (user + system) seconds and peak RSS of one run of a command. The times come from
 * bash's `time` keyword (milliseconds: GNU time's %e and %U have 10 ms, and the peers answer some
 * queries in less), the peak RSS from GNU time around that bash.
 */
export function timeOnce(command: string): Timing {
  const timed = `TIMEFORMAT='%3R %3U %3S'; time { ${command} ; }`
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'bash', '-c', timed], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`benchmark command failed: ${command}\n${r.stderr}`)
  const [times, rss] = r.stderr.trim().split('\n').slice(-2)
  const [e, u, sys] = times!.split(' ').map(Number)
  return { wall: e!, cpu: u! + sys!, peakMiB: Number(rss) / 1024 }
}
