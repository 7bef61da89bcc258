import { actionValidationCase, expectActionError, isPng, nextAction, sendAction } from '../actions.js'
import type { CaseContext, NodeCase } from '../case.js'
import { check, NotServed } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { initEncrypted } from '../steps.js'

const needs = ['encryption'] as const

async function session(ctx: CaseContext) {
  const probe = await ctx.connect()
  return { probe, s: await initEncrypted(ctx, probe) }
}

/** Request an image and return the decrypted `image_generation_result` (not served without a sidecar). */
async function generate(ctx: CaseContext, inner: Record<string, unknown>, id = 'img-1') {
  const { probe, s } = await session(ctx)
  sendAction(probe, s, { action: 'image_generation', ...inner }, id)
  const reply = await nextAction(probe, s, 'image', 'the image reply')
  const error = reply.inner.error as { code?: string } | undefined
  if (error?.code === 'DIFFUSION_SERVICE_UNAVAILABLE')
    throw new NotServed('the node has no diffusion sidecar')
  check(
    reply.inner.type === 'image_generation_result',
    `expected image_generation_result, got ${JSON.stringify(reply.inner).slice(0, 200)}`,
  )
  check(reply.frame.id === id, `the image reply echoes id ${JSON.stringify(reply.frame.id)}, expected ${id}`)
  const extra = await probe.tryNext(ctx.target.silenceMs)
  if (extra)
    check(false, `a second frame followed the image reply (replayed reply?): ${extra.text.slice(0, 160)}`)
  return { probe, s, result: reply.inner }
}

function imageValidation(
  id: string,
  title: string,
  inner: Record<string, unknown>,
  code: string,
  prefix: string,
  spec: string,
): NodeCase {
  return actionValidationCase({ id, group: 'image', family: 'image', title, spec, inner, code, prefix })
}

const ONE_REPLY = 'the image reply (exactly one frame: no chunks, no stream_end)'

export const imageCases: NodeCase[] = [
  {
    id: '9.01',
    group: 'image',
    title:
      'an image request gets exactly one encrypted_response under encrypted_image_response with a PNG and billing',
    spec: 'SURFACE §5.3, §5.4, §5.5',
    needs: [...needs],
    async run(ctx) {
      const { result } = await generate(ctx, {
        prompt: 'a lighthouse at dusk',
        size: '512x512',
        steps: 4,
        seed: 42,
      })
      check(isPng(result.image), 'image is not a base64 PNG (without data: prefix)')
      check(
        result.size === '512x512' && result.steps === 4 && result.seed === 42,
        'size/steps/seed are not echoed',
      )
      check(result.provider === 'host', `provider ${JSON.stringify(result.provider)}, expected "host"`)
      const billing = result.billing as Record<string, unknown>
      check(
        billing?.megapixels === 0.25 && billing.steps === 4 && billing.modelMultiplier === 1,
        `billing ${JSON.stringify(billing)}`,
      )
      check(
        billing.generationUnits === 0.05,
        `generationUnits ${JSON.stringify(billing.generationUnits)}, expected 0.05`,
      )
      const safety = result.safety as Record<string, unknown>
      check(
        safety?.promptSafe === true && safety.outputSafe === true && safety.safetyLevel === 'strict',
        `safety ${JSON.stringify(safety)}`,
      )
      check(typeof result.processingTimeMs === 'number', 'processingTimeMs is missing')
    },
  },
  {
    id: '9.02',
    group: 'image',
    title: 'defaults: 1024x1024, 4 steps, seed 0 when none was sent, chain 84532 (Base Sepolia, ETH)',
    spec: 'SURFACE §5.1, §5.3',
    needs: [...needs],
    async run(ctx) {
      const { result } = await generate(ctx, { prompt: 'a red bicycle' })
      check(
        result.size === '1024x1024' && result.steps === 4,
        `size/steps ${String(result.size)}/${String(result.steps)}`,
      )
      check(result.seed === 0, `seed ${JSON.stringify(result.seed)}, expected 0 (the request seed, or 0)`)
      check(
        result.chainId === 84532 && result.chainName === 'Base Sepolia' && result.nativeToken === 'ETH',
        'chain fields',
      )
    },
  },
  {
    id: '9.03',
    group: 'image',
    title: 'chain 5611 is opBNB Testnet / BNB; any other chain id maps to Base Sepolia / ETH',
    spec: 'SURFACE §5.3 chain-name table',
    needs: [...needs],
    async run(ctx) {
      const bnb = await generate(ctx, { prompt: 'a boat', size: '256x256', chainId: 5611 })
      check(bnb.result.chainName === 'opBNB Testnet' && bnb.result.nativeToken === 'BNB', 'chain 5611 names')
      const other = await generate(ctx, { prompt: 'a boat', size: '256x256', chainId: 1 }, 'img-2')
      check(
        other.result.chainId === 1 && other.result.chainName === 'Base Sepolia',
        'unknown chain ids map to Base Sepolia',
      )
    },
  },
  {
    id: '9.04',
    group: 'image',
    title: 'safetyLevel is echoed only',
    spec: 'SURFACE §5.1: echoed only; no effect on filtering',
    needs: [...needs],
    async run(ctx) {
      const { result } = await generate(ctx, { prompt: 'a tree', size: '256x256', safetyLevel: 'permissive' })
      check(
        (result.safety as Record<string, unknown>)?.safetyLevel === 'permissive',
        'safetyLevel is not echoed',
      )
    },
  },
  imageValidation(
    '9.05',
    'an unsupported size fails with VALIDATION_FAILED',
    { prompt: 'x', size: '100x100' },
    'VALIDATION_FAILED',
    "invalid size '100x100'; allowed: 256x256, 512x512, 768x768, 1024x1024, 1024x768, 768x1024",
    'SURFACE §5.2',
  ),
  imageValidation(
    '9.06',
    'steps 0 fails with VALIDATION_FAILED',
    { prompt: 'x', steps: 0 },
    'VALIDATION_FAILED',
    'steps must be between 1 and 100, got 0',
    'SURFACE §5.2',
  ),
  imageValidation(
    '9.07',
    'a blank prompt fails with VALIDATION_FAILED',
    { prompt: '   ' },
    'VALIDATION_FAILED',
    'prompt must not be empty',
    'SURFACE §5.2',
  ),
  imageValidation(
    '9.08',
    'a wrongly typed field fails with VALIDATION_FAILED "Invalid request"',
    { prompt: 'x', steps: '4' },
    'VALIDATION_FAILED',
    'Invalid request:',
    'SURFACE §5.1',
  ),
  imageValidation(
    '9.09',
    'a string jobId fails with VALIDATION_FAILED (quirk)',
    { prompt: 'x', jobId: '15' },
    'VALIDATION_FAILED',
    'Invalid request:',
    'SURFACE §5.1',
  ),
  imageValidation(
    '9.10',
    'the keyword filter matches substrings ("Al Gore" → gore)',
    { prompt: 'a portrait of Al Gore' },
    'PROMPT_BLOCKED',
    'Blocked keyword detected: gore',
    'SURFACE §5.2 step 4',
  ),
  {
    id: '9.11',
    group: 'image',
    title: 'after 5 images in 60 s the next request (even an invalid one) gets RATE_LIMIT_EXCEEDED',
    spec: 'SURFACE §5.2 step 1: rate limit checked first, successes only',
    needs: [...needs],
    async run(ctx) {
      const { probe, s } = await session(ctx)
      for (let i = 0; i < 5; i++) {
        sendAction(probe, s, { action: 'image_generation', prompt: `tile ${i}`, size: '256x256' }, `rl-${i}`)
        const reply = await nextAction(probe, s, 'image', `image ${i + 1} of 5`)
        const error = reply.inner.error as { code?: string } | undefined
        if (error?.code === 'DIFFUSION_SERVICE_UNAVAILABLE')
          throw new NotServed('the node has no diffusion sidecar')
        check(
          reply.inner.type === 'image_generation_result',
          `image ${i + 1} failed: ${JSON.stringify(reply.inner).slice(0, 160)}`,
        )
      }
      sendAction(probe, s, { action: 'image_generation', prompt: '', size: 'nope' }, 'rl-over')
      await expectActionError(
        probe,
        s,
        'image',
        'rl-over',
        'RATE_LIMIT_EXCEEDED',
        'Image generation rate limit exceeded',
      )
    },
  },
  {
    id: '9.12',
    group: 'image',
    title:
      'a chat prompt asking to "draw a …" is auto-routed: one image reply with the chat id, no chunks, no stream_end',
    spec: 'SURFACE §6: on by default on any node with a diffusion sidecar',
    needs: [...needs],
    async run(ctx) {
      const { probe, s } = await session(ctx)
      probe.send(
        buildMessage(s.sessionKey, s.sessionId, 'Could you draw a cat wearing a hat?', { id: 'chat-img' }),
      )
      const reply = await nextAction(probe, s, 'image', 'the auto-routed image reply')
      check(reply.frame.id === 'chat-img', `the routed reply echoes id ${JSON.stringify(reply.frame.id)}`)
      check(
        String(reply.inner.type).startsWith('image_generation_'),
        `inner type ${JSON.stringify(reply.inner.type)}`,
      )
      if (reply.inner.type === 'image_generation_result') {
        check(
          reply.inner.size === '1024x1024' && reply.inner.steps === 4,
          'routed requests use 1024x1024, 4 steps',
        )
      }
      await probe.expectSilence(ctx.target.silenceMs, ONE_REPLY)
    },
  },
]
