import { type ActionReply, acceptJob, actionValidationCase, nextAction } from '../actions.js'
import type { CaseContext, NodeCase } from '../case.js'
import { check, type Probe } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { ask, initEncrypted, type OpenSession } from '../steps.js'

/** Pinned hashes as shipped with allow-list version 16 (PROTOCOL-SURFACE §8.2). */
const T2V_HASH = '0xd67dfae8ea7da02516af56bd39d7bf4dedebb65da09d0e520e7cc1c7bb5fe078'
const I2V_HASH = '0xa4c890fd5f9a24a778c2a2ab00be2141dcb2c801a339d390016924292dff128c'
const STAGES = ['generating', 'encrypting', 'uploading', 'finalising']

/** A valid text-to-video job: 121 frames at 24 fps (5 s), 768×512. */
function job(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: 'ltx_generate',
    requestId: 'ltx-req-1',
    templateId: 'ltx-t2v-hdr',
    templateHash: T2V_HASH,
    prompt: 'a calm sea at dawn',
    seed: '42',
    frames: 121,
    fps: 24,
    resolution: { w: 768, h: 512 },
    lora: 'none',
    output: 'exr-sequence',
    ...extra,
  }
}

const needs = ['encryption'] as const
const renderTimeout = (ctx: CaseContext) => ctx.target.jobTimeoutMs ?? 600_000

async function accept(
  probe: Probe,
  s: OpenSession,
  inner: Record<string, unknown>,
  id: string,
): Promise<ActionReply> {
  const reply = await acceptJob(probe, s, 'ltx', inner, id)
  check(reply.inner.status === 'processing', `ltx_accepted.status ${JSON.stringify(reply.inner.status)}`)
  check(reply.inner.sessionId === s.sessionId, 'ltx_accepted.sessionId is not the outer session id')
  check(Number.isInteger(reply.inner.allowListVersion), 'ltx_accepted.allowListVersion is not an integer')
  check(reply.inner.requestId === inner.requestId, 'ltx_accepted does not echo requestId')
  return reply
}

function validation(
  id: string,
  title: string,
  extra: Record<string, unknown>,
  code: string,
  prefix: string,
  spec: string,
): NodeCase {
  return actionValidationCase({
    id,
    group: 'ltx',
    family: 'ltx',
    title,
    spec,
    inner: job(extra),
    code,
    prefix,
  })
}

export const ltxCases: NodeCase[] = [
  validation(
    '11.01',
    'a seed given as a JSON number fails with VALIDATION_FAILED "invalid ltx job"',
    { seed: 42 },
    'VALIDATION_FAILED',
    'invalid ltx job:',
    'SURFACE §8.1: seed is a decimal string',
  ),
  validation(
    '11.02',
    'an unknown templateId fails with VALIDATION_FAILED',
    { templateId: 'ltx-nope' },
    'VALIDATION_FAILED',
    'template rejected: unknown templateId "ltx-nope"',
    'SURFACE §8.3 #5',
  ),
  validation(
    '11.03',
    'a templateHash mismatch fails with VALIDATION_FAILED',
    { templateHash: `0x${'00'.repeat(32)}` },
    'VALIDATION_FAILED',
    'template rejected: templateHash mismatch for "ltx-t2v-hdr"',
    'SURFACE §8.3 #5',
  ),
  // An upper-case hash passes the template check, so the next check (bounds) is the one that fails.
  validation(
    '11.04',
    'the pinned hash is compared case-insensitively',
    { templateHash: `0x${T2V_HASH.slice(2).toUpperCase()}`, frames: 100 },
    'VALIDATION_FAILED',
    'job params out of allow-list bounds',
    'SURFACE §8.1',
  ),
  validation(
    '11.05',
    'frames below the allow-list minimum fail with "job params out of allow-list bounds"',
    { frames: 100 },
    'VALIDATION_FAILED',
    'job params out of allow-list bounds',
    'SURFACE §8.3 #6',
  ),
  validation(
    '11.06',
    'an unlisted resolution fails with "job params out of allow-list bounds"',
    { resolution: { w: 640, h: 480 } },
    'VALIDATION_FAILED',
    'job params out of allow-list bounds',
    'SURFACE §8.3 #6',
  ),
  validation(
    '11.07',
    'frames that are not whole seconds at the fps fail',
    { frames: 122 },
    'VALIDATION_FAILED',
    'frames 122 is not a whole number of seconds at 24 fps',
    'SURFACE §8.3 #7',
  ),
  validation(
    '11.08',
    'a clip longer than 15 s fails',
    { frames: 481 },
    'VALIDATION_FAILED',
    'clip duration',
    'SURFACE §8.3 #7: 5..=15 s',
  ),
  validation(
    '11.09',
    'the wrong number of input images for the template fails',
    { templateId: 'ltx-i2v-hdr', templateHash: I2V_HASH },
    'VALIDATION_FAILED',
    'template "ltx-i2v-hdr" expects 1 input image(s), got 0',
    'SURFACE §8.3 #8',
  ),
  validation(
    '11.10',
    'a seed above 2^64−1 fails with "patch failed"',
    { seed: '18446744073709551616' },
    'VALIDATION_FAILED',
    'patch failed:',
    'SURFACE §8.3 #10',
  ),
  {
    id: '11.11',
    group: 'ltx',
    title:
      'accepted → generating…finalising progress (no id) → ltx_complete with CIDs, manifest and billing; the socket is released',
    spec: 'SURFACE §8.4–§8.6, §8.9',
    needs: [...needs, 'ltx-renders'],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await accept(probe, s, job(), 'ltx-1')
      let stage = 0
      for (;;) {
        const { frame, inner } = await nextAction(
          probe,
          s,
          'ltx',
          'LTX progress or completion',
          renderTimeout(ctx),
        )
        check(frame.id === undefined, `background LTX frames carry no id, got ${JSON.stringify(frame.id)}`)
        check(inner.requestId === 'ltx-req-1', 'an LTX frame does not echo requestId')
        if (inner.type === 'ltx_progress') {
          const at = STAGES.indexOf(String(inner.stage))
          check(
            at >= stage,
            `stage ${JSON.stringify(inner.stage)} after ${STAGES[stage]}: stages go ${STAGES.join(' → ')}`,
          )
          stage = at
          check(
            Number.isInteger(inner.pct) && (inner.pct as number) >= 0 && (inner.pct as number) <= 100,
            `pct ${JSON.stringify(inner.pct)}`,
          )
          continue
        }
        if (inner.type === 'ltx_error') check(false, `the render failed: ${JSON.stringify(inner.error)}`)
        check(inner.type === 'ltx_complete', `unexpected ${JSON.stringify(inner.type)}`)
        check(stage === 3, `ltx_complete after stage ${STAGES[stage]}, expected finalising first`)
        check(
          typeof inner.outputCID === 'string' && typeof inner.proofCID === 'string',
          'outputCID/proofCID missing',
        )
        const frames = inner.frames as unknown[]
        check(
          Array.isArray(frames) &&
            frames.length >= 1 &&
            frames.every((f) => typeof f === 'string' && f.startsWith('u')),
          'frames: one u… capability CID per output file',
        )
        const manifest = inner.manifest as Record<string, unknown>
        check(manifest?.frameCount === frames.length, 'manifest.frameCount is not the number of output files')
        check(
          manifest.colourEncoding === 'linear-HDR-from-LogC3' && manifest.fps === 24,
          'manifest colourEncoding/fps',
        )
        const billing = inner.billing as Record<string, unknown>
        check(
          billing?.unit === 'megapixel-frame' && billing.tokens === 47580,
          `billing ${JSON.stringify(billing)}: tokens = ceil(121·768·512/1000) = 47580`,
        )
        check(typeof billing.pricePerToken === 'string', 'billing.pricePerToken is not a decimal string')
        break
      }
      await ask(probe, s, 'Released after the clip?', { id: 'ltx-after', aad: 'message_1' })
    },
  },
  {
    id: '11.12',
    group: 'ltx',
    title: 'a prompt sent during a render is dropped; ltx_cancel leaves the loop without a confirmation',
    spec: 'SURFACE §3.3, §8.8',
    needs: [...needs, 'ltx-renders'],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await accept(probe, s, job({ requestId: 'ltx-req-2' }), 'ltx-2')
      probe.send(
        buildMessage(s.sessionKey, s.sessionId, 'Am I dropped?', { id: 'ltx-dropped', aad: 'message_1' }),
      )
      probe.send({ type: 'ltx_cancel' })
      for (;;) {
        const frame = await probe.tryNext(ctx.target.silenceMs)
        if (!frame) break
        check(
          frame.json?.type === 'encrypted_response',
          `unexpected frame after ltx_cancel: ${frame.text.slice(0, 160)}`,
        )
      }
      await ask(probe, s, 'Free after the cancel?', { id: 'ltx-free', aad: 'message_2' })
      await probe.expectSilence(ctx.target.silenceMs, 'the prompt sent during the LTX loop')
    },
  },
]
