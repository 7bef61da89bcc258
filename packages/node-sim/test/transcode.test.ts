import { describe, expect, it } from 'vitest'
import { createNodeCore, type NodeCoreOptions } from '../src/index.js'
import { aadOf, type CoreSession, coreSession, openAction, SteppedClock, settle } from './helpers/actions.js'

const TC = 'encrypted_transcode_response'
const FORMAT = { id: 1, ext: 'mp4', vcodec: 'hevc', vf: 'scale=1280x720' }
const JOB = { action: 'transcode', sourceCid: 'zSource', mediaFormats: [FORMAT] }

async function setup(options: NodeCoreOptions = {}, jobId?: string) {
  const clock = new SteppedClock()
  const s = await coreSession(
    { transcoder: { pollIntervalMs: 2000 }, ...options, now: clock.now, sleep: clock.sleep },
    jobId === undefined ? {} : { jobId },
  )
  return { clock, s }
}

/** The probe gets SESSION_KEY_NOT_FOUND when the connection is idle, and nothing inside a busy loop. */
async function probe(s: CoreSession): Promise<'answered' | 'dropped'> {
  s.send({ type: 'encrypted_message', id: 'probe', session_id: 'nope' })
  await settle()
  if (s.q.pending === 0) return 'dropped'
  const f = await s.q.next()
  expect(f).toMatchObject({ code: 'SESSION_KEY_NOT_FOUND', id: 'probe' })
  return 'answered'
}

async function accept(s: CoreSession, inner: Record<string, unknown> = JOB) {
  s.act(inner, 'tc-1')
  const frame = await s.q.next()
  expect(frame.id).toBe('tc-1')
  expect(aadOf(frame)).toBe(TC)
  return openAction(s.key, frame, TC)
}

describe('transcode (PROTOCOL-SURFACE §7)', () => {
  it('happy path: ack with id; progress without id on change only; 100 before complete; billing; proof', async () => {
    const { clock, s } = await setup(
      { transcoder: { pollIntervalMs: 2000, progress: [0, 0, 25, 25, 50, 100] } },
      '12',
    )
    const ack = await accept(s)
    expect(ack).toEqual({
      type: 'transcode_accepted',
      taskId: expect.stringMatching(/^task-/),
      status: 'accepted',
    })
    expect(s.conn.state).toBe('transcode-loop')
    const seen: Record<string, unknown>[] = []
    await clock.drain()
    while (s.q.pending > 0) {
      const f = await s.q.next()
      expect(f).not.toHaveProperty('id')
      expect(f.session_id).toBe(s.sid)
      seen.push(openAction(s.key, f, TC))
    }
    const taskId = ack.taskId
    expect(seen.slice(0, 3)).toEqual([
      {
        type: 'transcode_progress',
        taskId,
        progress: 25,
        gopInfo: { currentGop: 1, totalGops: 5, elapsedSeconds: 6 },
      },
      {
        type: 'transcode_progress',
        taskId,
        progress: 50,
        gopInfo: { currentGop: 2, totalGops: 5, elapsedSeconds: 10 },
      },
      {
        type: 'transcode_progress',
        taskId,
        progress: 100,
        gopInfo: { currentGop: 5, totalGops: 5, elapsedSeconds: 12 },
      },
    ])
    const units = 10 * 0.5 * 1.2 * 1.1
    expect(seen[3]).toEqual({
      type: 'transcode_complete',
      taskId,
      outputs: [{ format_index: 0, cid: expect.stringMatching(/^u/), dest: 's5' }],
      billing: { units, tokens: Math.ceil(units * 1000) },
      duration: 10,
      qualityMetrics: null,
      proofTreeCID: expect.stringMatching(/^u/),
      proofTreeRootHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    })
    expect(seen).toHaveLength(4)
    expect(s.core.billing).toEqual([{ jobId: '12', sessionId: s.sid, kind: 'transcode', tokens: 6601 }])
  })

  it('billing factors: resolution, codec, encryption; no duration → no gopInfo, 0 units; no job → null proof', async () => {
    const formats = [
      { id: 1, ext: 'mp4', vf: 'scale=640:480', vcodec: 'av1_nvenc' },
      { id: 2, ext: 'mp4', vf: 'scale=3840x2160', vcodec: 'h264' },
      { id: 3, ext: 'webm' },
    ]
    const { clock, s } = await setup({ transcoder: { progress: [100] } }, '5')
    await accept(s, { ...JOB, mediaFormats: formats, isEncrypted: false })
    await clock.drain()
    await s.q.next()
    const done = await s.reply(TC)
    const units = 10 * 0.25 * 1.5 * 1.0 + 10 * 2.0 * 1.0 * 1.0 + 10 * 1.0 * 1.0 * 1.0
    expect(done.billing).toEqual({ units, tokens: Math.ceil(units * 1000) })
    expect(done.outputs).toHaveLength(3)

    const noDuration = await setup({ transcoder: { progress: [100], durationSeconds: null } })
    noDuration.s.send({ type: 'session_init', session_id: noDuration.s.sid })
    await noDuration.s.q.next()
    await accept(noDuration.s)
    await noDuration.clock.drain()
    expect(await noDuration.s.reply(TC)).toEqual({
      type: 'transcode_progress',
      taskId: expect.any(String),
      progress: 100,
    })
    expect(await noDuration.s.reply(TC)).toMatchObject({
      billing: { units: 0, tokens: 0 },
      duration: 0,
      proofTreeCID: null,
      proofTreeRootHash: null,
    })
  })

  it('the loop captures the socket after completion until transcode_cancel (node bug §3.4)', async () => {
    const { clock, s } = await setup({ transcoder: { progress: [100] } })
    await accept(s)
    await clock.drain()
    expect((await s.reply(TC)).type).toBe('transcode_progress')
    expect((await s.reply(TC)).type).toBe('transcode_complete')
    expect(s.conn.state).toBe('transcode-loop')
    s.send({ type: 'stream_cancel' })
    s.send({ type: 'ping' })
    s.send({ type: 'ltx_cancel' })
    s.send({ type: 'uploadVectors', vectors: [], replace: true })
    s.act({ prompt: 'What is 2+2?' }, 'lost')
    expect(await probe(s)).toBe('dropped')
    s.send({ type: 'transcode_cancel', session_id: s.sid })
    await settle()
    expect(s.q.pending).toBe(0) // no confirmation
    expect(s.conn.state).toBe('idle')
    expect(await probe(s)).toBe('answered')
  })

  it('every pre-accept error in order, with id, exact text, and no loop entered', async () => {
    const { s } = await setup()
    const cases: [Record<string, unknown>, string, string][] = [
      [{ mediaFormats: [FORMAT] }, 'VALIDATION_FAILED', 'Missing or empty sourceCid'],
      [{ sourceCid: '', mediaFormats: 'x' }, 'VALIDATION_FAILED', 'Missing or empty sourceCid'],
      [{ sourceCid: 7, mediaFormats: [FORMAT] }, 'VALIDATION_FAILED', 'Missing or empty sourceCid'],
      [{ sourceCid: 'z' }, 'VALIDATION_FAILED', 'Missing mediaFormats'],
      [
        { sourceCid: 'z', mediaFormats: 'mp4' },
        'VALIDATION_FAILED',
        'Invalid mediaFormats: invalid type: string "mp4", expected a sequence',
      ],
      [
        { sourceCid: 'z', mediaFormats: [{ id: 1 }] },
        'VALIDATION_FAILED',
        'Invalid mediaFormats: missing field `ext`',
      ],
      [
        { sourceCid: 'z', mediaFormats: [{ id: '1', ext: 'mp4' }] },
        'VALIDATION_FAILED',
        'Invalid mediaFormats: invalid type: string "1", expected u32',
      ],
      [
        { sourceCid: 'z', mediaFormats: [7] },
        'VALIDATION_FAILED',
        'Invalid mediaFormats: invalid type: integer `7`, expected struct VideoFormat',
      ],
      [
        { sourceCid: 'z', mediaFormats: null },
        'VALIDATION_FAILED',
        'Invalid mediaFormats: invalid type: null, expected a sequence',
      ],
      [{ sourceCid: 'z', mediaFormats: [] }, 'VALIDATION_FAILED', 'mediaFormats must not be empty'],
    ]
    for (const [inner, code, message] of cases) {
      s.act({ action: 'transcode', ...inner }, 'bad')
      const frame = await s.q.next()
      expect(frame.id).toBe('bad')
      expect(openAction(s.key, frame, TC), JSON.stringify(inner)).toEqual({
        type: 'transcode_error',
        error: { code, message },
      })
      expect(await probe(s)).toBe('answered')
    }
  })

  it('SIDECAR_UNAVAILABLE, TRANSCODE_CAPACITY_FULL, SUBMIT_FAILED', async () => {
    const cases: [NodeCoreOptions, string, string][] = [
      [{ transcoder: false }, 'SIDECAR_UNAVAILABLE', 'Transcoder sidecar not configured (503)'],
      [
        { transcoder: { statusUnreachable: true } },
        'TRANSCODE_CAPACITY_FULL',
        'All transcode slots are in use — try again later',
      ],
      [
        { transcoder: { maxConcurrent: 0 } },
        'TRANSCODE_CAPACITY_FULL',
        'All transcode slots are in use — try again later',
      ],
      [
        { transcoder: { submitFailure: 'HTTP 400: bad source' } },
        'SUBMIT_FAILED',
        'Failed to submit transcode: HTTP 400: bad source',
      ],
    ]
    for (const [options, code, message] of cases) {
      const { s } = await setup(options)
      expect(await accept(s)).toEqual({ type: 'transcode_error', error: { code, message } })
      expect(await probe(s)).toBe('answered')
    }
  })

  it('capacity is node-wide: the slot is taken until the poller ends', async () => {
    const clock = new SteppedClock()
    const core = createNodeCore({
      transcoder: { maxConcurrent: 1, progress: [10, 100] },
      now: clock.now,
      sleep: clock.sleep,
    })
    const a = await coreSession({}, { core, sessionId: 'a' })
    const b = await coreSession({}, { core, sessionId: 'b' })
    expect((await accept(a)).type).toBe('transcode_accepted')
    expect((await accept(b)).error.code).toBe('TRANSCODE_CAPACITY_FULL')
    await clock.drain()
    expect((await accept(b)).type).toBe('transcode_accepted')
  })

  it('rate limit: 3 accepted submits per session per 300 s, checked after validation', async () => {
    const { clock, s } = await setup({ transcoder: { progress: [100] } })
    for (let i = 0; i < 3; i++) {
      expect((await accept(s)).type).toBe('transcode_accepted')
      await clock.drain()
      await s.q.next()
      await s.q.next()
      s.send({ type: 'transcode_cancel' })
    }
    s.act({ action: 'transcode', mediaFormats: [FORMAT] })
    expect((await s.reply(TC)).error.code).toBe('VALIDATION_FAILED')
    expect((await accept(s)).error).toEqual({
      code: 'RATE_LIMIT_EXCEEDED',
      message: 'Transcoding rate limit exceeded',
    })
    clock.t += 300_000
    expect((await accept(s)).type).toBe('transcode_accepted')
  })

  it('zero-output guard: metadata [] / {} / never an array → MODERATION_UNAVAILABLE, no billing', async () => {
    for (const metadata of ['[]', '{}', 'pending']) {
      const { clock, s } = await setup({ transcoder: { progress: [100], metadata } }, '3')
      await accept(s)
      await clock.drain()
      expect((await s.reply(TC)).progress).toBe(100)
      expect(await s.reply(TC)).toEqual({
        type: 'transcode_error',
        error: { code: 'MODERATION_UNAVAILABLE', message: 'transcode held: no publishable outputs' },
      })
      expect(s.core.billing).toEqual([])
    }
  })

  it('outputs are the sidecar metadata passed through verbatim (HLS shape)', async () => {
    const hls = [
      {
        id: 1,
        hls: true,
        initSegmentCid: 'zInit',
        segments: [{ index: 0, cid: 'zSeg', duration: 6.006, encrypted: false }],
      },
    ]
    const { clock, s } = await setup({ transcoder: { progress: [100], metadata: JSON.stringify(hls) } })
    await accept(s)
    await clock.drain()
    await s.q.next()
    expect((await s.reply(TC)).outputs).toEqual(hls)
  })

  it('moderation gate (MODERATION_ENFORCE): cleared / flagged / blocked / no verdict / no job', async () => {
    const verdicts = {
      '1': { verdict: 'Cleared' as const },
      '2': { verdict: 'Flagged' as const, reason: 'nsfw score 0.93' },
      '3': { verdict: 'Blocked' as const },
    }
    const cases: [string | undefined, string | undefined, string][] = [
      ['1', undefined, 'transcode_complete'],
      ['2', 'CONTENT_FLAGGED', 'nsfw score 0.93'],
      ['3', 'CONTENT_BLOCKED', 'blocked by moderation'],
      ['4', 'MODERATION_UNAVAILABLE', 'Held: moderation verdict unavailable'],
    ]
    for (const [job, code, text] of cases) {
      const { clock, s } = await setup(
        { transcoder: { progress: [100] }, moderation: { enforce: true, verdicts } },
        job,
      )
      await accept(s)
      await clock.drain()
      await s.q.next()
      const last = await s.reply(TC)
      if (code === undefined) expect(last.type).toBe(text)
      else expect(last).toEqual({ type: 'transcode_error', error: { code, message: text } })
    }
  })

  it('TIMEOUT after timeoutSeconds when progress stalls; POLL_FAILED on the first failed poll', async () => {
    const t = await setup({ transcoder: { pollIntervalMs: 2000, progress: [0, 40], timeoutSeconds: 10 } })
    await accept(t.s)
    await t.clock.drain()
    expect((await t.s.reply(TC)).progress).toBe(40)
    expect(await t.s.reply(TC)).toEqual({
      type: 'transcode_error',
      error: { code: 'TIMEOUT', message: 'Transcoding timed out' },
    })
    expect(t.clock.t - 1_000_000).toBeGreaterThan(10_000)
    const p = await setup({ transcoder: { progress: [20, 40, 100], pollFailureAt: 2 } })
    await accept(p.s)
    await p.clock.drain()
    expect((await p.s.reply(TC)).progress).toBe(20)
    expect(await p.s.reply(TC)).toEqual({
      type: 'transcode_error',
      error: { code: 'POLL_FAILED', message: 'Failed to poll transcoder status: HTTP status 500' },
    })
    expect(p.s.conn.state).toBe('transcode-loop')
  })

  it('transcode_cancel mid-flow: no confirmation, no further frames, socket usable, nothing billed', async () => {
    const { clock, s } = await setup({ transcoder: { progress: [10, 20, 30, 100] } }, '8')
    await accept(s)
    await clock.tick()
    expect((await s.reply(TC)).progress).toBe(10)
    s.send({ type: 'transcode_cancel' })
    await clock.drain()
    await s.conn.idle
    expect(s.q.pending).toBe(0)
    expect(await probe(s)).toBe('answered')
    expect(s.core.billing).toEqual([])
    // outside the loop transcode_cancel is an unknown type: ignored
    s.send({ type: 'transcode_cancel' })
    expect(await probe(s)).toBe('answered')
  })

  it('metadata late after 100 %: re-polled up to 5 times; a cancel then still bills but delivers nothing', async () => {
    const late = await setup({ transcoder: { progress: [100], metadataDelayPolls: 5, pollIntervalMs: 2000 } })
    await accept(late.s)
    await late.clock.drain()
    expect((await late.s.reply(TC)).progress).toBe(100)
    expect((await late.s.reply(TC)).type).toBe('transcode_complete')
    expect(late.clock.t - 1_000_000).toBe(2000 * 6)
    const never = await setup({ transcoder: { progress: [100], metadataDelayPolls: 6 } })
    await accept(never.s)
    await never.clock.drain()
    await never.s.q.next()
    expect((await never.s.reply(TC)).error.code).toBe('MODERATION_UNAVAILABLE')

    const { clock, s } = await setup({ transcoder: { progress: [100], metadataDelayPolls: 3 } }, '40')
    await accept(s)
    await clock.tick()
    expect((await s.reply(TC)).progress).toBe(100)
    s.send({ type: 'transcode_cancel' })
    await clock.drain()
    await s.conn.idle
    expect(s.q.pending).toBe(0)
    expect(s.core.billing).toEqual([{ jobId: '40', sessionId: s.sid, kind: 'transcode', tokens: 6601 }])
  })

  it('disconnect mid-flow: the poller stops at its next change, the slot is freed, the job settles', async () => {
    const clock = new SteppedClock()
    const core = createNodeCore({
      transcoder: { maxConcurrent: 1, progress: [10, 20, 100] },
      now: clock.now,
      sleep: clock.sleep,
    })
    const a = await coreSession({}, { core, sessionId: 'a', jobId: '31' })
    await accept(a)
    await clock.tick()
    a.conn.close()
    await clock.drain()
    expect(a.q.pending).toBe(1) // only the first progress frame
    expect(core.settledJobs.map((j) => j.jobId)).toEqual(['31'])
    expect(core.billing).toEqual([])
    const b = await coreSession({}, { core, sessionId: 'b' })
    expect((await accept(b)).type).toBe('transcode_accepted')
  })

  it('faults: wrong AAD family, tampered progress, replayed progress, close mid-flow, missing completion', async () => {
    const wrong = await setup({ transcoder: { progress: [100] }, faults: { wrongActionAad: true } })
    wrong.s.act(JOB, 'w')
    const ackFrame = await wrong.s.q.next()
    expect(aadOf(ackFrame)).toBe('encrypted_ltx_response')
    expect(() => openAction(wrong.s.key, ackFrame, TC)).toThrow()

    const tamper = await setup({ transcoder: { progress: [50, 100] }, faults: { tamperActionReply: 1 } })
    await accept(tamper.s)
    await tamper.clock.drain()
    const bad = await tamper.s.q.next()
    expect(() => openAction(tamper.s.key, bad, TC)).toThrow()
    expect((await tamper.s.reply(TC)).progress).toBe(100)

    const replay = await setup({ transcoder: { progress: [50, 100] }, faults: { replayActionReply: 1 } })
    await accept(replay.s)
    await replay.clock.drain()
    const first = await replay.s.q.next()
    expect(await replay.s.q.next()).toEqual(first)

    const closed = await setup(
      { transcoder: { progress: [50, 100] }, faults: { closeAfterActionReply: 0 } },
      '19',
    )
    await accept(closed.s)
    await closed.clock.drain()
    await closed.s.conn.idle
    expect(closed.s.transportClosed()).toBe(true)
    expect(closed.s.q.pending).toBe(0)
    expect(closed.s.core.billing).toEqual([])
    expect(closed.s.core.settledJobs.map((j) => j.jobId)).toEqual(['19'])

    const drop = await setup({ transcoder: { progress: [100] }, faults: { dropActionCompletion: true } })
    await accept(drop.s)
    await drop.clock.drain()
    expect((await drop.s.reply(TC)).progress).toBe(100)
    await settle()
    expect(drop.s.q.pending).toBe(0)
    expect(drop.s.conn.state).toBe('transcode-loop')
  })
})
