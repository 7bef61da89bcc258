import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { MAX_FRAME_BYTES } from '@fabstir/protocol'
import { describe, expect, it } from 'vitest'

/**
 * Issue 15 #1: one inbound text frame of 64 MiB of `[` made `receive()` spend ~11 s and 2.6 GB in `JSON.parse`, then a
 * second, allocating parse (for the error position) ran the process out of heap at 4.7 GB. Every hostile shape up to
 * the frame limit now costs time and memory linear in its length with a small constant.
 *
 * Each shape runs in a child process whose heap is capped at HEAP_MIB: a regression that allocates per character
 * kills the child (non-zero exit) and fails the test, never the runner. Times and peak RSS are printed (the figures
 * in docs/security.md), not asserted.
 */
const PROBE = fileURLToPath(new URL('../src/hostile/frame-probe.mjs', import.meta.url))
const HEAP_MIB = 320

interface Probe {
  shape: string
  chars: number
  ms: number
  maxRssMiB: number
  events: string[]
  code?: string
  message?: string
}

function probe(shape: string, size: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${HEAP_MIB}`, PROBE, shape, String(size)],
      { maxBuffer: 1 << 20, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`${shape}: the probe died (${error.message.slice(0, 200)}): ${stderr.slice(-500)}`),
          )
          return
        }
        resolve(JSON.parse(stdout) as Probe)
      },
    )
  })
}

describe('hostile frames of the full 64 MiB: bounded time and memory (capped heap)', () => {
  it.each([
    ['open-brackets', 'INVALID_FRAME'],
    ['open-objects', 'INVALID_FRAME'],
    ['deep-valid', 'INVALID_FRAME'],
    ['unterminated-string', 'INVALID_FRAME'],
    ['escape-heavy-unterminated', 'INVALID_FRAME'],
    ['many-values', 'INVALID_FRAME'],
    ['many-empty-arrays', 'INVALID_FRAME'],
    ['escape-heavy', 'NODE_ERROR'],
    ['huge-valid-string', 'NODE_ERROR'],
  ])(
    '%s → %s, the process survives',
    async (shape, code) => {
      const got = await probe(shape, MAX_FRAME_BYTES)
      process.stdout.write(
        `hostile frame ${shape}: ${got.chars} chars → ${got.code} in ${got.ms} ms, peak RSS ${got.maxRssMiB} MiB\n`,
      )
      expect(got.chars).toBe(MAX_FRAME_BYTES)
      expect(got.code).toBe(code)
      if (code === 'NODE_ERROR') expect(got.message!.length).toBeLessThan(1200)
    },
    180_000,
  )
})
