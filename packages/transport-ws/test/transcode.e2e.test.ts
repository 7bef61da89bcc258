import { describe, expect, it } from 'vitest'
import { transcode } from '../src/transcode.js'
import { expectCode, progressOf } from './helpers/flows.js'
import { eventually, SESSION, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const REQUEST = { sourceCid: 'u-source', mediaFormats: [{ id: 1, ext: 'mp4', vf: 'scale=1280x720' }] }

describe.each(SHELLS)('transcode over a real socket (node-sim) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('progress then result; the SDK sends transcode_cancel after completion so later prompts are not swallowed', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const job = transcode(session, REQUEST)
    const progress = await progressOf(job)
    const result = await job.result
    expect(progress[0]).toMatchObject({ stage: 'accepted' })
    expect(progress.slice(1).map((p) => (p.stage === 'transcoding' ? p.percent : -1))).toEqual([
      25, 50, 75, 100,
    ])
    expect(result).toMatchObject({ outputs: [{ format_index: 0, dest: 's5' }], durationSeconds: 10 })
    expect(result.billing).toEqual({ units: 5.5, tokens: 5500 })
    await sim.tap.waitFor((f) => f.direction === 'in' && f.json?.type === 'transcode_cancel')
    // The node bug of §3.4: without that cancel this prompt would be dropped silently.
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it.each([
    [
      'no transcoder',
      { transcoder: false as const },
      'SIDECAR_UNAVAILABLE',
      'Transcoder sidecar not configured (503)',
    ],
    [
      'capacity full',
      { transcoder: { statusUnreachable: true } },
      'TRANSCODE_CAPACITY_FULL',
      'All transcode slots are in use — try again later',
    ],
    [
      'submit failure',
      { transcoder: { submitFailure: 'HTTP 502' } },
      'SUBMIT_FAILED',
      'Failed to submit transcode: HTTP 502',
    ],
    [
      'poll failure',
      { transcoder: { pollFailureAt: 2 } },
      'POLL_FAILED',
      'Failed to poll transcoder status: HTTP status 500',
    ],
    [
      'zero outputs',
      { transcoder: { metadata: '[]' } },
      'MODERATION_UNAVAILABLE',
      'transcode held: no publishable outputs',
    ],
    [
      'moderation flagged',
      {
        moderation: { enforce: true, verdicts: { [String(SESSION.jobId)]: { verdict: 'Flagged' as const } } },
      },
      'CONTENT_FLAGGED',
      'flagged by moderation',
    ],
    [
      'moderation blocked',
      {
        moderation: { enforce: true, verdicts: { [String(SESSION.jobId)]: { verdict: 'Blocked' as const } } },
      },
      'CONTENT_BLOCKED',
      'blocked by moderation',
    ],
    [
      'moderation without verdict',
      { moderation: { enforce: true } },
      'MODERATION_UNAVAILABLE',
      'Held: moderation verdict unavailable',
    ],
  ])('node error: %s → its code and message; the socket is released', async (_n, simOptions, code, text) => {
    const sim = await h.startSim(simOptions)
    const { session } = await h.session(sim)
    const e = await expectCode(transcode(session, REQUEST).result, code, text)
    expect(e.fatal).toBe(false)
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('node error: RATE_LIMIT_EXCEEDED after the per-session submits', async () => {
    const sim = await h.startSim({ transcodeRateLimit: 1 })
    const { session } = await h.session(sim)
    await transcode(session, REQUEST).result
    await expectCode(
      transcode(session, REQUEST).result,
      'RATE_LIMIT_EXCEEDED',
      'Transcoding rate limit exceeded',
    )
  })

  it('node error: TIMEOUT from the node (its job limit) keeps the node code', async () => {
    const sim = await h.startSim({ transcoder: { progress: [10], pollIntervalMs: 100, timeoutSeconds: 1 } })
    const { session } = await h.session(sim)
    await expectCode(transcode(session, REQUEST).result, 'TIMEOUT', 'Transcoding timed out')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('refuses an empty sourceCid or mediaFormats before sending (INVALID_PROMPT)', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    await expectCode(transcode(session, { ...REQUEST, sourceCid: '' }).result, 'INVALID_PROMPT')
    await expectCode(transcode(session, { ...REQUEST, mediaFormats: [] }).result, 'INVALID_PROMPT')
  })

  it('cancel: sends transcode_cancel, settles ABORTED at once; the next prompt is answered', async () => {
    const sim = await h.startSim({
      transcoder: { pollIntervalMs: 40, progress: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] },
    })
    const { session } = await h.session(sim)
    const job = transcode(session, REQUEST)
    for await (const p of job) if (p.stage === 'transcoding') break
    job.cancel()
    await expectCode(job.result, 'ABORTED')
    await sim.tap.waitFor((f) => f.direction === 'in' && f.json?.type === 'transcode_cancel')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('busy state: a chat prompt and a second transcode issued during a transcode wait for it, none lost', async () => {
    const sim = await h.startSim({ transcoder: { pollIntervalMs: 20 } })
    const { session } = await h.session(sim)
    const first = transcode(session, REQUEST)
    const chat = session.send('What is 2+2?')
    const second = transcode(session, REQUEST)
    expect((await first.result).taskId).toBeTruthy()
    expect((await chat).text).toBe('2 + 2 = 4.')
    expect((await second.result).taskId).not.toBe((await first.result).taskId)
    // Nothing was sent while the node was in its transcode loop: the prompt went out after transcode_cancel.
    const inbound = sim.tap.frames.filter((f) => f.direction === 'in').map((f) => f.json?.type)
    const firstCancel = inbound.indexOf('transcode_cancel')
    expect(inbound.slice(firstCancel + 1)).toContain('encrypted_message')
    expect(inbound.slice(0, firstCancel).filter((t) => t === 'encrypted_message')).toHaveLength(1)
  })

  it('disconnect mid-flow: CONNECTION_LOST; the session reconnects', async () => {
    const sim = await h.startSim({ transcoder: { pollIntervalMs: 50 } })
    const proxy = await h.startProxy(sim)
    const { session } = await h.session({ ...sim, url: proxy.url })
    const job = transcode(session, REQUEST)
    for await (const p of job) if (p.stage === 'accepted') break
    proxy.dropAll()
    await expectCode(job.result, 'CONNECTION_LOST')
    await eventually(() => session.status === 'encrypted', 'reconnected')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('deadline: a completion that never comes ends in TIMEOUT and releases the socket with transcode_cancel', async () => {
    const sim = await h.startSim({ faults: { dropActionCompletion: true } })
    const { session } = await h.session(sim)
    await expectCode(transcode(session, REQUEST, { timeoutMs: 300 }).result, 'TIMEOUT')
    await sim.tap.waitFor((f) => f.direction === 'in' && f.json?.type === 'transcode_cancel')
    sim.handle.setFaults({})
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it.each([
    ['wrongActionAad', { wrongActionAad: true }, 'DECRYPTION_FAILED'],
    ['tamperActionReply of a progress', { tamperActionReply: 1 }, 'DECRYPTION_FAILED'],
    ['replayActionReply of a progress', { replayActionReply: 1 }, 'CHUNK_OUT_OF_ORDER'],
  ])('%s is detected: fatal typed error', async (_n, faults, code) => {
    const sim = await h.startSim({ faults })
    const { session } = await h.session(sim)
    const e = await expectCode(transcode(session, REQUEST).result, code)
    expect(e.fatal).toBe(true)
  })
})
