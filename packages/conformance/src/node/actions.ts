import type { GroupId, NodeCase } from './case.js'
import { CaseFailure, check, Inconclusive, type NodeFrame, NotServed, type Probe } from './probe.js'
import { buildMessage, openPayload } from './session-crypto.js'
import { ask, initEncrypted, type OpenSession } from './steps.js'

/** The AAD label of each encrypted action family (PROTOCOL-SURFACE §4.3). */
export const FAMILY_AAD = {
  image: 'encrypted_image_response',
  transcode: 'encrypted_transcode_response',
  ltx: 'encrypted_ltx_response',
} as const

/** An encrypted action family. */
export type Family = keyof typeof FAMILY_AAD

/** Send an encrypted action (the inner JSON is sealed with the session key like a prompt). */
export function sendAction(probe: Probe, s: OpenSession, inner: Record<string, unknown>, id: string): void {
  probe.send(buildMessage(s.sessionKey, s.sessionId, JSON.stringify(inner), { id, aad: `action_${id}` }))
}

/** One decrypted action reply. */
export interface ActionReply {
  frame: Record<string, unknown>
  inner: Record<string, unknown>
}

function short(frame: NodeFrame): string {
  return frame.text.length > 240 ? `${frame.text.slice(0, 240)}…` : frame.text
}

/**
 * The next `encrypted_response` of `family`, opened with the family's label (never the label the frame announces).
 * A chat answer instead means the node does not serve the action (it routes unknown work to chat).
 */
export async function nextAction(
  probe: Probe,
  s: OpenSession,
  family: Family,
  what: string,
  timeoutMs?: number,
): Promise<ActionReply> {
  const frame = await probe.next(what, timeoutMs)
  const f = frame.json
  if (f?.type === 'encrypted_chunk') throw new NotServed(`the node answered the ${family} action as chat`)
  check(f?.type === 'encrypted_response', `expected an encrypted_response (${what}), got ${short(frame)}`)
  check(f.session_id !== undefined, `the ${family} reply has no session_id`)
  const opened = openPayload(s.sessionKey, f.payload, FAMILY_AAD[family])
  if (!opened.ok) {
    const why =
      opened.why === 'wrong-aad' ? `sealed under the wrong AAD family "${opened.actualAad}"` : opened.why
    check(false, `the ${family} reply does not open under ${FAMILY_AAD[family]}: ${why}`)
  }
  let inner: Record<string, unknown>
  try {
    inner = JSON.parse(opened.text) as Record<string, unknown>
  } catch {
    throw new CaseFailure(`the ${family} reply is not JSON: ${opened.text.slice(0, 120)}`)
  }
  return { frame: f, inner }
}

/**
 * Expect an inner `<family>_error` with `code` (and a message starting with `prefix`). A sidecar-unavailable answer is
 * "not served" — unless the case is about exactly that code.
 */
export async function expectActionError(
  probe: Probe,
  s: OpenSession,
  family: Family,
  id: string,
  code: string,
  prefix: string,
): Promise<ActionReply> {
  const reply = await nextAction(probe, s, family, `${family}_error ${code}`)
  const error = reply.inner.error as { code?: unknown; message?: unknown } | undefined
  const unavailable = ['DIFFUSION_SERVICE_UNAVAILABLE', 'SIDECAR_UNAVAILABLE']
  if (typeof error?.code === 'string' && unavailable.includes(error.code) && !unavailable.includes(code)) {
    throw new NotServed(`the node has no ${family} sidecar (${error.code})`)
  }
  if (
    family === 'ltx' &&
    error?.message === 'LTX template store not configured' &&
    !prefix.startsWith('LTX template')
  ) {
    throw new NotServed('the node has no LTX template store')
  }
  check(
    reply.inner.type === `${family === 'image' ? 'image_generation' : family}_error`,
    `expected ${family}_error, got ${JSON.stringify(reply.inner.type)}`,
  )
  check(
    error?.code === code,
    `expected ${family} error code ${code}, got ${JSON.stringify(error?.code)}: ${String(error?.message)}`,
  )
  check(
    typeof error.message === 'string' && error.message.startsWith(prefix),
    `expected a message starting "${prefix}", got ${JSON.stringify(error.message)}`,
  )
  check(
    reply.frame.id === id,
    `the first ${family} reply echoes id ${JSON.stringify(reply.frame.id)}, expected ${JSON.stringify(id)}`,
  )
  return reply
}

/** A 1×1 transparent PNG, base64 (for vision payloads). */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

/** The first bytes of every PNG file. */
export function isPng(base64: unknown): boolean {
  if (typeof base64 !== 'string') return false
  const bytes = Buffer.from(base64, 'base64')
  return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
}

/** The inner `action` string of each family. */
const ACTION: Record<Family, string> = {
  image: 'image_generation',
  transcode: 'transcode',
  ltx: 'ltx_generate',
}

/**
 * A case that sends one invalid action and requires the family's error with `code` and a message starting with
 * `prefix` (the first reply carries the request id), then proves the socket is free with a chat prompt.
 */
export function actionValidationCase(c: {
  id: string
  group: GroupId
  family: Family
  title: string
  spec: string
  inner: Record<string, unknown>
  code: string
  prefix: string
}): NodeCase {
  return {
    id: c.id,
    group: c.group,
    title: c.title,
    spec: c.spec,
    needs: ['encryption'],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      sendAction(probe, s, { action: ACTION[c.family], ...c.inner }, 'bad')
      await expectActionError(probe, s, c.family, 'bad', c.code, c.prefix)
      await ask(probe, s, 'Is the socket free?', { id: 'free', aad: 'message_1' })
    },
  }
}

/**
 * Submit a transcode or LTX job and require its accepted ack (`<family>_accepted`, carrying the request id).
 * "Not served" without the sidecar; inconclusive when the node is at capacity.
 */
export async function acceptJob(
  probe: Probe,
  s: OpenSession,
  family: 'transcode' | 'ltx',
  inner: Record<string, unknown>,
  id: string,
): Promise<ActionReply> {
  sendAction(probe, s, inner, id)
  const reply = await nextAction(probe, s, family, `${family}_accepted`)
  const error = reply.inner.error as { code?: string; message?: string } | undefined
  if (error?.code === 'SIDECAR_UNAVAILABLE') throw new NotServed(`the node has no ${family} sidecar`)
  if (error?.code === 'TRANSCODE_CAPACITY_FULL' || error?.code === 'CAPACITY') {
    throw new Inconclusive(`the node is at capacity: ${String(error.message)}`)
  }
  check(
    reply.inner.type === `${family}_accepted`,
    `expected ${family}_accepted, got ${JSON.stringify(reply.inner).slice(0, 200)}`,
  )
  check(
    reply.frame.id === id,
    `${family}_accepted echoes id ${JSON.stringify(reply.frame.id)}, expected ${id}`,
  )
  return reply
}
