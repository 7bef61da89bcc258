import {
  checkTranscodeRequest,
  checkTranscodeResponse,
  type EncryptedMessageFrame,
  type GopInfo,
  stringifyJson,
  type TranscodeBilling,
  type TranscodeCancelFrame,
  type TranscodeRequest as WireTranscodeRequest,
} from '@fabstir/wire'
import type { EncryptedSession } from '../encrypted-session.js'
import { actionError, flowViolation, invalidRequest, parseInner } from './action-error.js'
import type { Flow, FlowOutcome } from './flow.js'
import {
  assertSlotFree,
  type FlowStartOptions,
  flowRequestId,
  requireEncrypted,
  TRANSCODE_DEADLINE_MS,
} from './slot.js'

/** The family AAD of every transcode reply (PROTOCOL-SURFACE §4.3). */
export const TRANSCODE_RESPONSE_AAD = 'encrypted_transcode_response'
/** The plaintext frame that ends the node's transcode loop (§7.7). */
export const TRANSCODE_CANCEL_FRAME: TranscodeCancelFrame = { type: 'transcode_cancel' }

/** What to transcode (PROTOCOL-SURFACE §7.1): `sourceCid` and at least one entry of `mediaFormats`. */
export type TranscodeRequest = Omit<WireTranscodeRequest, 'action'>

/** The node accepted the transcode (`transcode_accepted`). */
export interface TranscodeAcceptedProgress {
  /** Discriminant. */
  stage: 'accepted'
  /** The sidecar's task id; every later message names it. */
  taskId: string
}

/** A percent update (`transcode_progress`; sent only on change and above 0, 100 included). */
export interface TranscodePercentProgress {
  /** Discriminant. */
  stage: 'transcoding'
  /** The sidecar's task id. */
  taskId: string
  /** The sidecar's integer percent. */
  percent: number
  /** GOP estimate, when the sidecar reports a duration. */
  gop?: GopInfo
}

/** Progress of a transcode: the node's ack, then percent updates. */
export type TranscodeProgress = TranscodeAcceptedProgress | TranscodePercentProgress

/** A finished transcode (§7.5). `qualityMetrics` is omitted: the node always sends null. */
export interface TranscodeResult {
  /** The sidecar's task id. */
  taskId: string
  /** The sidecar's output objects, passed through verbatim (the node does not define them). */
  outputs: unknown[]
  /** What the node billed to the connection's job. */
  billing: TranscodeBilling
  /** Media duration in seconds as reported by the sidecar. */
  durationSeconds: number
  /** CID of the proof tree, or null when no proof was uploaded. */
  proofTreeCID: string | null
  /** Root hash of the proof tree, or null. */
  proofTreeRootHash: string | null
}

/**
 * Start a transcode on `session` (sans-IO). The node enters a loop after `transcode_accepted` that drops every
 * frame but `transcode_cancel` — also after the job ended (§3.4, node bug) — so this flow emits a `send` event with
 * `{"type":"transcode_cancel"}` after `transcode_complete`/`transcode_error`, and on cancel or deadline.
 * Deadline: 1,800 s from `now` (the node's own limit).
 */
export function startTranscode(
  session: EncryptedSession,
  request: TranscodeRequest,
  options: FlowStartOptions,
): EncryptedMessageFrame {
  requireEncrypted(session, 'transcode')
  assertSlotFree(session, 'transcode')
  const checked = checkTranscodeRequest({ ...request, action: 'transcode' })
  if (!checked.ok) {
    const issue = checked.issues[0]
    throw invalidRequest('transcode', `${issue?.path || '/'}: ${issue?.message}`, issue?.path, checked.issues)
  }
  const id = flowRequestId(session, options.id)
  const frame = session.sealAction(stringifyJson(checked.value), id)
  session.beginFlow(
    id,
    transcodeFlow(id, session.sessionId, options.now + (options.deadlineMs ?? TRANSCODE_DEADLINE_MS)),
  )
  return frame
}

function transcodeFlow(id: string, sessionId: string, deadlineAt: number): Flow {
  let taskId: string | undefined
  const fail = (message: string, details?: Record<string, unknown>): FlowOutcome => ({
    events: [{ type: 'error', error: flowViolation('transcode', message, id, sessionId, details) }],
    done: true,
    ...(taskId === undefined ? {} : { send: TRANSCODE_CANCEL_FRAME }),
  })
  return {
    kind: 'transcode',
    aad: TRANSCODE_RESPONSE_AAD,
    plainTypes: [],
    deadlineAt,
    get inLoop() {
      return taskId !== undefined
    },
    onInner(text, frameId): FlowOutcome {
      const checked = checkTranscodeResponse(parseInner(text))
      if (!checked.ok) return fail('the reply is not a transcode message', { issues: checked.issues })
      const m = checked.value
      if (taskId === undefined) {
        // The first reply (ack or immediate error) carries the request id; later ones never do (§3.5).
        if (frameId !== id) return fail('the first transcode reply does not carry the request id')
        if (m.type === 'transcode_error') return { events: [errorEvent(m.error)], done: true }
        if (m.type !== 'transcode_accepted') return fail(`${m.type} arrived before transcode_accepted`)
        taskId = m.taskId
        return { events: [progress({ stage: 'accepted', taskId })], done: false }
      }
      if (frameId !== undefined) return fail('a background transcode reply carries an id')
      switch (m.type) {
        case 'transcode_accepted':
          return fail('a second transcode_accepted')
        case 'transcode_error':
          return { events: [errorEvent(m.error)], done: true, send: TRANSCODE_CANCEL_FRAME }
        case 'transcode_progress':
          if (m.taskId !== taskId) return fail('progress of another task', { taskId: m.taskId })
          return {
            events: [
              progress({
                stage: 'transcoding',
                taskId,
                percent: m.progress,
                ...(m.gopInfo === undefined ? {} : { gop: m.gopInfo }),
              }),
            ],
            done: false,
          }
        case 'transcode_complete': {
          if (m.taskId !== taskId) return fail('completion of another task', { taskId: m.taskId })
          const result: TranscodeResult = {
            taskId,
            outputs: m.outputs,
            billing: { units: m.billing.units, tokens: m.billing.tokens },
            durationSeconds: m.duration,
            proofTreeCID: m.proofTreeCID,
            proofTreeRootHash: m.proofTreeRootHash,
          }
          return {
            events: [{ type: 'result', id, kind: 'transcode', result }],
            done: true,
            send: TRANSCODE_CANCEL_FRAME,
          }
        }
      }
    },
    onPlain: () => ({ events: [], done: false }),
    onError: () => undefined,
    cancelFrame: () => TRANSCODE_CANCEL_FRAME,
  }

  function progress(p: TranscodeProgress) {
    return { type: 'progress' as const, id, kind: 'transcode' as const, progress: p }
  }
  function errorEvent(error: { code: string; message: string }) {
    return { type: 'error' as const, error: actionError('transcode', error, id, sessionId) }
  }
}
