import {
  checkLtxGenerateRequest,
  checkLtxResponse,
  type EncryptedMessageFrame,
  type LtxBilling,
  type LtxCancelFrame,
  type LtxGenerateRequest,
  type LtxManifest,
  stringifyJson,
  U64_MAX,
} from '@fabstir/wire'
import type { EncryptedSession } from '../encrypted-session.js'
import { actionError, flowViolation, invalidRequest, parseInner } from './action-error.js'
import type { Flow, FlowOutcome } from './flow.js'
import {
  assertSlotFree,
  type FlowStartOptions,
  flowRequestId,
  LTX_DEADLINE_MS,
  requireEncrypted,
} from './slot.js'

/** The family AAD of every LTX reply (PROTOCOL-SURFACE §4.3). */
export const LTX_RESPONSE_AAD = 'encrypted_ltx_response'
/** The plaintext frame that interrupts the node's LTX render (§8.8; the node sends no confirmation). */
export const LTX_CANCEL_FRAME: LtxCancelFrame = { type: 'ltx_cancel' }

/**
 * An LTX 2.3 video job (PROTOCOL-SURFACE §8.1). `requestId` is set by the SDK (the flow's id) and `output` is the
 * only value the node parses (`exr-sequence`); `lora` defaults to `""` (the node does not validate it). `seed` is
 * a decimal string (a bigint is converted).
 */
export interface VideoRequest
  extends Omit<LtxGenerateRequest, 'action' | 'requestId' | 'output' | 'lora' | 'seed'> {
  /** Decimal seed, 0 … 2^64 − 1 (a bigint is converted; a JSON number or hex is refused). */
  seed: string | bigint
  /** LoRA name; not validated by the node (only bound into the attestation). Default `""`. */
  lora?: string
}

/** The node accepted the job (`ltx_accepted`). */
export interface VideoAcceptedProgress {
  /** Discriminant. */
  stage: 'accepted'
  /** The node's allow-list version: compare it with the bundle the request was built from. */
  allowListVersion: number
}

/** A stage update (`ltx_progress`); `generating` may restart low when a new sampler stage begins. */
export interface VideoStageProgress {
  /** The render stage. */
  stage: 'generating' | 'encrypting' | 'uploading' | 'finalising'
  /** 0 … 100 within the stage. */
  percent: number
}

/** Progress of an LTX job: the node's ack, then stage + percent. */
export type VideoProgress = VideoAcceptedProgress | VideoStageProgress

/** A finished LTX job (§8.6). */
export interface VideoResult {
  /** S5 CID of the public manifest JSON. */
  outputCID: string
  /** S5 CID of the plaintext attestation. */
  proofCID: string
  /** One capability CID per output file (not per video frame). */
  frames: string[]
  /** Frame count, fps, resolution, colour encoding, per-file hashes and their Merkle root. */
  manifest: LtxManifest
  /** `tokens = ceil(frames·w·h/1000)` from the requested frames, and the node's price per token. */
  billing: LtxBilling
}

/**
 * Start an LTX video job on `session` (sans-IO). After `ltx_accepted` the node drops every frame but `ltx_cancel`
 * until the job's last frame; cancel and deadline emit a `send` event with `{"type":"ltx_cancel"}`.
 * Deadline: 1,800 s from `now` (the node's own limit).
 */
export function startLtx(
  session: EncryptedSession,
  request: VideoRequest,
  options: FlowStartOptions,
): EncryptedMessageFrame {
  requireEncrypted(session, 'ltx')
  assertSlotFree(session, 'ltx')
  const id = flowRequestId(session, options.id)
  const inner = {
    ...request,
    action: 'ltx_generate',
    requestId: id,
    seed: typeof request.seed === 'bigint' ? request.seed.toString() : request.seed,
    lora: request.lora ?? '',
    output: 'exr-sequence',
  }
  const checked = checkLtxGenerateRequest(inner)
  if (!checked.ok) {
    const issue = checked.issues[0]
    throw invalidRequest('ltx', `${issue?.path || '/'}: ${issue?.message}`, issue?.path, checked.issues)
  }
  if (!/^(0|[1-9][0-9]*)$/.test(inner.seed) || BigInt(inner.seed) > U64_MAX) {
    throw invalidRequest('ltx', 'seed must be a decimal integer from 0 to 2^64 − 1', 'seed')
  }
  const frame = session.sealAction(stringifyJson(checked.value), id)
  session.beginFlow(id, ltxFlow(id, session.sessionId, options.now + (options.deadlineMs ?? LTX_DEADLINE_MS)))
  return frame
}

function ltxFlow(id: string, sessionId: string, deadlineAt: number): Flow {
  let accepted = false
  const fail = (message: string, details?: Record<string, unknown>): FlowOutcome => ({
    events: [{ type: 'error', error: flowViolation('ltx', message, id, sessionId, details) }],
    done: true,
    ...(accepted ? { send: LTX_CANCEL_FRAME } : {}),
  })
  return {
    kind: 'ltx',
    aad: LTX_RESPONSE_AAD,
    plainTypes: [],
    deadlineAt,
    get inLoop() {
      return accepted
    },
    onInner(text, frameId): FlowOutcome {
      const checked = checkLtxResponse(parseInner(text))
      if (!checked.ok) return fail('the reply is not an LTX message', { issues: checked.issues })
      const m = checked.value
      // Every inner LTX message echoes the requestId the SDK sent.
      if (m.requestId !== undefined && m.requestId !== id)
        return fail('a reply for another request', { requestId: m.requestId })
      if (!accepted) {
        if (frameId !== id) return fail('the first LTX reply does not carry the request id')
        if (m.type === 'ltx_error') return { events: [errorEvent(m.error)], done: true }
        if (m.type !== 'ltx_accepted') return fail(`${m.type} arrived before ltx_accepted`)
        accepted = true
        return {
          events: [progress({ stage: 'accepted', allowListVersion: m.allowListVersion })],
          done: false,
        }
      }
      if (frameId !== undefined) {
        // §8.4: the sidecar vanished between accept and spawn — an ltx_error with the id, and no loop was entered.
        if (frameId === id && m.type === 'ltx_error') return { events: [errorEvent(m.error)], done: true }
        return fail('a background LTX reply carries an id')
      }
      switch (m.type) {
        case 'ltx_accepted':
          return fail('a second ltx_accepted')
        case 'ltx_error':
          // The LTX loop ends with the job's last frame (no capture bug, §3.4).
          return { events: [errorEvent(m.error)], done: true }
        case 'ltx_progress':
          return { events: [progress({ stage: m.stage, percent: m.pct })], done: false }
        case 'ltx_complete': {
          const result: VideoResult = {
            outputCID: m.outputCID,
            proofCID: m.proofCID,
            frames: m.frames,
            manifest: m.manifest,
            billing: m.billing,
          }
          return { events: [{ type: 'result', id, kind: 'ltx', result }], done: true }
        }
      }
    },
    onPlain: () => ({ events: [], done: false }),
    onError: () => undefined,
    cancelFrame: () => LTX_CANCEL_FRAME,
  }

  function progress(p: VideoProgress) {
    return { type: 'progress' as const, id, kind: 'ltx' as const, progress: p }
  }
  function errorEvent(error: { code: string; message: string }) {
    return { type: 'error' as const, error: actionError('ltx', error, id, sessionId) }
  }
}
