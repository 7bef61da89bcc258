import type { BaseSession } from '../base-session.js'
import type { EncryptedSession } from '../encrypted-session.js'
import { FabstirError } from '../errors.js'
import type { ProtocolEvent } from '../events.js'
import type { PlaintextSession } from '../plaintext-session.js'
import type { FlowKind } from './flow.js'

/** Image deadline: the node's diffusion sidecar gives up after 120 s (PROTOCOL-SURFACE §5.2). */
export const IMAGE_DEADLINE_MS = 120_000
/** Transcode deadline: the node's `TRANSCODE_TIMEOUT_SECONDS` (1,800 s), not the 300 s of the node team's SDK. */
export const TRANSCODE_DEADLINE_MS = 1_800_000
/** LTX deadline: the node's `LTX_JOB_TIMEOUT_SECS` (1,800 s), not the 600 s of the node team's SDK. */
export const LTX_DEADLINE_MS = 1_800_000
/** RAG deadline: the node answers RAG inline and has no limit of its own; 60 s is the SDK's bound. */
export const RAG_DEADLINE_MS = 60_000

/** A session of either kind (RAG works on both; image, transcode and LTX need an encrypted one). */
export type AnySession = EncryptedSession | PlaintextSession

/** Options every flow start takes: time is an input. */
export interface FlowStartOptions {
  /** The caller's clock now, in milliseconds; the flow's deadline is `now + deadlineMs`. */
  now: number
  /** Override the flow's deadline (default: the node's own limit for the flow). */
  deadlineMs?: number
  /** Request id (default: a fresh one from the session). */
  id?: string
}

/**
 * Refuse a flow unless the session's single request slot is free: the node drops frames that arrive while it
 * streams or runs a transcode/LTX loop (PROTOCOL-SURFACE §3.3), so a second request is refused with a typed error
 * (`PROMPT_IN_FLIGHT`) here instead of being lost there. Transports queue instead.
 */
export function assertSlotFree(session: BaseSession, kind: FlowKind): void {
  const state = session.state
  if (state === 'ready') return
  if (state === 'streaming') {
    throw new FabstirError(
      'PROMPT_IN_FLIGHT',
      `cannot start ${kind}: a request is in flight on this connection (the node would drop the frame)`,
      { sessionId: session.sessionId, requestId: session.inFlightId, details: { kind } },
    )
  }
  throw new FabstirError(
    state === 'closed' || state === 'failed' ? 'SESSION_CLOSED' : 'INVALID_STATE',
    `cannot start ${kind}: the session is "${state}"`,
    { sessionId: session.sessionId, details: { kind } },
  )
}

/** Image, transcode and LTX exist only as encrypted actions: a plaintext session cannot use them (§4.1). */
export function requireEncrypted(session: BaseSession, kind: FlowKind): EncryptedSession {
  if (!session.encrypted) {
    throw new FabstirError(
      'INVALID_STATE',
      `${kind} needs an encrypted session: the node has no plaintext form`,
      {
        sessionId: session.sessionId,
        details: { kind },
      },
    )
  }
  return session as EncryptedSession
}

/** A fresh request id of the session (the same scheme as prompts). */
export function flowRequestId(session: BaseSession, id: string | undefined): string {
  return id ?? session.newFlowId()
}

/**
 * End the flow in flight locally with `error` (a cancel, an abort or the deadline): returns the events, led by a
 * `send` event with the flow's plaintext cancel frame when the node is in a loop that only that frame ends
 * (`transcode_cancel`, `ltx_cancel`). The node sends no confirmation (§7.7, §8.8), so nothing more is awaited.
 */
export function endFlowLocally(session: AnySession, error: FabstirError): ProtocolEvent[] {
  const flow = session.flowInFlight
  if (!flow) return []
  const send = flow.inLoop ? flow.cancelFrame() : undefined
  if (flow.kind === 'transcode' || flow.kind === 'ltx') (session as EncryptedSession).drainIdlessReplies()
  const outcome = { events: [{ type: 'error', error } as ProtocolEvent], done: true }
  return session.flowOutcome(send ? { ...outcome, send } : outcome)
}

/** Cancel the flow in flight (user request): `ABORTED`, plus the node cancel frame where one exists. */
export function cancelFlow(session: AnySession, reason?: unknown): ProtocolEvent[] {
  const flow = session.flowInFlight
  if (!flow) return []
  return endFlowLocally(
    session,
    new FabstirError('ABORTED', `the ${flow.kind} request was cancelled`, {
      cause: reason,
      sessionId: session.sessionId,
      requestId: session.inFlightId,
      details: { kind: flow.kind },
    }),
  )
}

/** The flow's deadline in the caller's clock, if a flow is in flight. The transport arms its timer from it. */
export function flowDeadline(session: AnySession): number | undefined {
  return session.flowInFlight?.deadlineAt
}

/** Check the deadline at `now`: past it, the flow ends with `TIMEOUT` (and the node cancel frame, if any). */
export function expireFlow(session: AnySession, now: number): ProtocolEvent[] {
  const flow = session.flowInFlight
  if (!flow || now < flow.deadlineAt) return []
  return endFlowLocally(
    session,
    new FabstirError('TIMEOUT', `no ${flow.kind} result before its deadline`, {
      sessionId: session.sessionId,
      requestId: session.inFlightId,
      details: { kind: flow.kind, phase: flow.kind },
    }),
  )
}
