import {
  type ActionReply,
  acceptJob,
  actionValidationCase,
  expectActionError,
  nextAction,
  sendAction,
} from '../actions.js'
import type { CaseContext, NodeCase } from '../case.js'
import { check, type Probe } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { ask, initEncrypted, type OpenSession } from '../steps.js'

const FORMATS = [{ id: 1, ext: 'mp4', vcodec: 'h264', vf: 'scale=1280x720', label: '720p' }]

function transcodeRequest(ctx: CaseContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: 'transcode',
    sourceCid: ctx.target.transcodeSource,
    mediaFormats: FORMATS,
    isEncrypted: true,
    ...extra,
  }
}

/** Submit a transcode and require `transcode_accepted` with a task id. */
async function submit(
  probe: Probe,
  s: OpenSession,
  inner: Record<string, unknown>,
  id: string,
): Promise<ActionReply> {
  const reply = await acceptJob(probe, s, 'transcode', inner, id)
  check(
    typeof reply.inner.taskId === 'string' && reply.inner.status === 'accepted',
    'transcode_accepted lacks taskId/status',
  )
  return reply
}

/** Leave the transcode loop (the node sends nothing back), drain frames in flight, then prove chat works again. */
async function release(ctx: CaseContext, probe: Probe, s: OpenSession, aad: string): Promise<void> {
  probe.send({ type: 'transcode_cancel' })
  for (;;) {
    const frame = await probe.tryNext(ctx.target.silenceMs)
    if (!frame) break
    check(
      frame.json?.type === 'encrypted_response',
      `unexpected frame after transcode_cancel: ${frame.text.slice(0, 160)}`,
    )
  }
  await ask(probe, s, 'Is the socket free again?', { id: `after-${aad}`, aad })
}

const needs = ['encryption'] as const
/** A real transcode reports progress only when it changes: allow long gaps between frames. */
const jobTimeout = (ctx: CaseContext) => ctx.target.jobTimeoutMs ?? 600_000

function validation(id: string, title: string, extra: Record<string, unknown>, prefix: string): NodeCase {
  const inner = { sourceCid: 'zSource', mediaFormats: FORMATS, ...extra }
  const spec = 'SURFACE §7.2: pre-accept checks, one transcode_error with id'
  return actionValidationCase({
    id,
    group: 'transcode',
    family: 'transcode',
    title,
    spec,
    inner,
    code: 'VALIDATION_FAILED',
    prefix,
  })
}

export const transcodeCases: NodeCase[] = [
  validation(
    '10.01',
    'a missing sourceCid fails with VALIDATION_FAILED',
    { sourceCid: undefined },
    'Missing or empty sourceCid',
  ),
  validation(
    '10.02',
    'an empty sourceCid fails with VALIDATION_FAILED',
    { sourceCid: '' },
    'Missing or empty sourceCid',
  ),
  validation(
    '10.03',
    'missing mediaFormats fails with VALIDATION_FAILED',
    { mediaFormats: undefined },
    'Missing mediaFormats',
  ),
  validation(
    '10.04',
    'empty mediaFormats fails with VALIDATION_FAILED',
    { mediaFormats: [] },
    'mediaFormats must not be empty',
  ),
  validation(
    '10.05',
    'mediaFormats that do not parse fail with VALIDATION_FAILED',
    { mediaFormats: [{ id: 'one' }] },
    'Invalid mediaFormats:',
  ),
  {
    id: '10.06',
    group: 'transcode',
    title:
      'accepted → increasing progress (no id) → 100 % → transcode_complete with outputs, billing, null qualityMetrics',
    spec: 'SURFACE §7.3–§7.5',
    needs: [...needs, 'transcode-source'],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await submit(probe, s, transcodeRequest(ctx), 'tc-1')
      let last = 0
      for (;;) {
        const { frame, inner } = await nextAction(
          probe,
          s,
          'transcode',
          'transcode progress or completion',
          jobTimeout(ctx),
        )
        check(
          frame.id === undefined,
          `background transcode frames carry no id, got ${JSON.stringify(frame.id)}`,
        )
        if (inner.type === 'transcode_progress') {
          check(
            inner.progress !== last,
            `progress ${last} arrived twice (replayed or duplicated progress frame)`,
          )
          check(
            Number.isInteger(inner.progress) && (inner.progress as number) > last,
            `progress ${JSON.stringify(inner.progress)} after ${last}: must increase and be > 0`,
          )
          last = inner.progress as number
          continue
        }
        if (inner.type === 'transcode_error') check(false, `the job failed: ${JSON.stringify(inner.error)}`)
        check(inner.type === 'transcode_complete', `unexpected ${JSON.stringify(inner.type)}`)
        check(
          last === 100,
          `transcode_complete arrived after progress ${last}, expected a 100 % progress frame first`,
        )
        check(Array.isArray(inner.outputs) && inner.outputs.length > 0, 'outputs is not a non-empty array')
        const billing = inner.billing as Record<string, unknown>
        check(
          typeof billing?.units === 'number' && Number.isInteger(billing.tokens),
          `billing ${JSON.stringify(billing)}`,
        )
        check(inner.qualityMetrics === null, 'qualityMetrics is not null')
        break
      }
      await release(ctx, probe, s, 'message_1')
    },
  },
  {
    id: '10.07',
    group: 'transcode',
    title: 'the socket stays captured after transcode_complete until transcode_cancel (node bug §3.4)',
    spec: 'SURFACE §3.4: every frame is swallowed until transcode_cancel or close',
    needs: [...needs, 'transcode-source'],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await submit(probe, s, transcodeRequest(ctx), 'tc-2')
      for (;;) {
        const { inner } = await nextAction(probe, s, 'transcode', 'transcode completion', jobTimeout(ctx))
        if (inner.type === 'transcode_complete' || inner.type === 'transcode_error') break
      }
      probe.send(
        buildMessage(s.sessionKey, s.sessionId, 'Am I swallowed?', { id: 'swallowed', aad: 'message_1' }),
      )
      await probe.expectSilence(
        Math.max(ctx.target.silenceMs, 500),
        'a prompt sent after transcode_complete (captured socket)',
      )
      await release(ctx, probe, s, 'message_2')
    },
  },
  {
    id: '10.08',
    group: 'transcode',
    title:
      'a prompt sent during a transcode is dropped; transcode_cancel leaves the loop without a confirmation',
    spec: 'SURFACE §3.3, §7.7',
    needs: [...needs, 'transcode-source'],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await submit(probe, s, transcodeRequest(ctx), 'tc-3')
      probe.send(
        buildMessage(s.sessionKey, s.sessionId, 'Am I dropped?', { id: 'dropped', aad: 'message_1' }),
      )
      await release(ctx, probe, s, 'message_2')
      // The dropped prompt never gets an answer, not even after the socket is released.
      await probe.expectSilence(ctx.target.silenceMs, 'the prompt sent during the transcode loop')
    },
  },
  {
    id: '10.09',
    group: 'transcode',
    title: 'the fourth accepted submit in 300 s gets RATE_LIMIT_EXCEEDED',
    spec: 'SURFACE §7.2 step 3: 3 per 300 s per session id, recorded on submit',
    needs: [...needs, 'transcode-source'],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      for (let i = 0; i < 3; i++) {
        await submit(probe, s, transcodeRequest(ctx), `tc-rl-${i}`)
        await release(ctx, probe, s, `message_${i + 1}`)
      }
      sendAction(probe, s, transcodeRequest(ctx), 'tc-rl-over')
      await expectActionError(
        probe,
        s,
        'transcode',
        'tc-rl-over',
        'RATE_LIMIT_EXCEEDED',
        'Transcoding rate limit exceeded',
      )
      await ask(probe, s, 'Free after a refusal?', { id: 'tc-rl-free', aad: 'message_9' })
    },
  },
]
