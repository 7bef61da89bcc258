import { FabstirError, MAX_FRAME_BYTES } from '@fabstir/protocol'
import WebSocket from 'ws'
import { displayUrl, plainFailure, type SocketFactory, type SocketLike } from './socket.js'

/** Node: a `ws` client without compression (the node uses none) and the node's 64 MiB message limit. */
export const defaultSocketFactory: SocketFactory = (url) =>
  new WebSocket(url, { perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES }) as unknown as SocketLike

const TLS =
  /^(EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|ERR_TLS|ERR_SSL)/
const NETWORK = /^(ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/
type Diagnosis = [cause: string, retryable: boolean, why: string]

const PROXY = ' (a proxy refused access)'
const HINT: Record<number, string> = { 401: PROXY, 403: PROXY, 404: ' (wrong path? the node serves /v1/ws)' }

/** Why `ws` failed, from the error code or HTTP status it reports; `undefined` when it does not say. */
function diagnose(code = '', status?: number): Diagnosis | undefined {
  const upgrade = `the server answered HTTP ${status} instead of upgrading to a WebSocket${HINT[status!] ?? ''}`
  if (status !== undefined) return ['http', status >= 500, upgrade]
  if (code === 'ECONNREFUSED') return ['refused', true, 'the connection was refused (nothing listening)']
  if (code === 'ENOTFOUND') return ['dns', false, 'the host name does not resolve (DNS)']
  if (code === 'EAI_AGAIN') return ['dns', true, 'the host name could not be resolved right now (DNS)']
  if (TLS.test(code)) return ['tls', false, `the TLS handshake failed (${code})`]
  if (NETWORK.test(code)) return ['network', true, `the network failed (${code})`]
  return undefined
}

/**
 * Node: classify why a socket closed before the node's greeting from its last `error` event (`ws` puts the system
 * error code, TLS error or HTTP status in `event.error`). Refused, network trouble and HTTP 5xx (a proxy in front of
 * a restarting node) may pass and are retryable — within `reconnect.attempts`; a DNS name that does not exist, a TLS
 * failure and any other HTTP answer (wrong path, 401, 404) will not pass by retrying and are not.
 */
export function connectFailure(
  url: string,
  closeCode: number,
  event: unknown,
  upgraded: boolean,
): FabstirError {
  const inner = ((event as { error?: object } | null)?.error ?? event) as {
    code?: unknown
    message?: unknown
  } | null
  const code = typeof inner?.code === 'string' ? inner.code : undefined
  const http = /Unexpected server response: (\d{3})/.exec(String(inner?.message ?? '').slice(0, 200))
  const status = http ? Number(http[1]) : undefined
  const found = upgraded ? undefined : diagnose(code, status)
  if (!found) return plainFailure(url, closeCode, upgraded, code)
  const [cause, retryable, why] = found
  return new FabstirError('CONNECTION_FAILED', `cannot connect to ${displayUrl(url)}: ${why}`, {
    retryable,
    cause: inner,
    details: {
      url: displayUrl(url),
      cause,
      ...(status === undefined ? {} : { status }),
      ...(code ? { code } : {}),
    },
  })
}
