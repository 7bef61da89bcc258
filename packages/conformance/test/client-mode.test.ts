import { describe, expect, it } from 'vitest'
import { runDriver } from '../examples/fabstir-sdk-driver.js'
import { CLIENT_CASES, grade, startClientServer, summarize } from '../src/index.js'
import { runNaiveDriver } from './naive-driver.js'

describe('client mode (scripted node) — meta-tests', () => {
  it('grades delivered text, refused answers, wrong codes and skips', () => {
    const faithful = CLIENT_CASES.find((c) => c.id === '1.01')!
    const tampered = CLIENT_CASES.find((c) => c.id === '2.01')!
    expect(grade(faithful, { delivered: 'Conformance answer: every chunk arrived.' }).status).toBe('pass')
    expect(grade(faithful, { delivered: 'Conformance answer:' }).message).toMatch(/expected/)
    expect(grade(tampered, { error: 'DECRYPTION_FAILED' }).status).toBe('pass')
    expect(grade(tampered, { error: 'TIMEOUT' }).status).toBe('fail')
    expect(grade(tampered, { delivered: 'x' }).message).toMatch(/must refuse/)
    expect(grade(tampered, { skipped: 'no' }).status).toBe('skipped')
  })

  it('our SDK, through the ≤ 50-line echo driver, passes every case', async () => {
    const server = await startClientServer()
    try {
      await runDriver(server.url)
      const report = await server.done
      const failed = report.results
        .filter((r) => r.status !== 'pass')
        .map((r) => `${r.id} ${r.title}: ${r.message}`)
      expect(failed).toEqual([])
      expect(summarize(report).pass).toBe(CLIENT_CASES.length)
    } finally {
      await server.close()
    }
  }, 120_000)

  it('a deliberately naive driver (announced AADs, trusts stream_end) fails the integrity cases it should', async () => {
    const server = await startClientServer()
    try {
      await runNaiveDriver(server.url)
      const report = await server.done
      const status = new Map(report.results.map((r) => [r.id, r.status]))
      expect(status.get('1.01')).toBe('pass')
      // Replayed, dropped, reordered, wrong-AAD, truncated, relabelled-final, cross-answer replay, wrong address.
      for (const id of ['2.02', '2.03', '2.04', '2.05', '2.06', '2.07', '2.09', '3.01']) {
        expect(status.get(id), id).toBe('fail')
      }
      // A flipped bit still fails AEAD even for the naive client.
      expect(status.get('2.01')).toBe('pass')
    } finally {
      await server.close()
    }
  }, 120_000)
})
