import { Type } from '@sinclair/typebox'
import { ACTION_ERROR_ROWS, NEVER_SENT_SURFACE_ROWS, SHAPE_B_ROWS } from './errors-surface.js'
import { named } from './keywords.js'

/** An encrypted action family whose `<family>_error` reply can carry a code. */
export type ActionFamily = 'image' | 'transcode' | 'ltx'

/** One row of the error code table. */
export interface ErrorCodeRow {
  /** The stable code string. */
  code: string
  /** `node`: a code of the node protocol (in `error.code`); `client`: raised by the SDK itself. */
  origin: 'node' | 'client'
  /** True when the real node actually sends this code. */
  sentByNode: boolean
  /** What the code means. */
  description: string
  /** What an SDK (or its caller) should do. */
  action: string
  /** True when repeating the operation (after `action`) can succeed. */
  retryable: boolean
  /**
   * Action families whose inner `<family>_error` carries this code (absent: outer `error` frames only). Also set on
   * the client code TIMEOUT, which the node sends in transcode/LTX errors too (`sentByNode` covers outer frames).
   */
  families?: readonly ActionFamily[]
}

/** The chat error codes: node codes of PROTOCOL.md §8 (sent and never sent) and SDK-side codes. */
const CORE_ERROR_ROWS: readonly ErrorCodeRow[] = [
  // Codes the node sends (shape A `code`).
  {
    code: 'ENCRYPTION_NOT_SUPPORTED',
    origin: 'node',
    sentByNode: true,
    description: 'The node has no private key configured, so it cannot decrypt a session init.',
    action:
      'Fall back to the plaintext protocol only if the caller explicitly allowed it; otherwise fail the session.',
    retryable: false,
  },
  {
    code: 'MISSING_PAYLOAD',
    origin: 'node',
    sentByNode: true,
    description: 'An encrypted_session_init or encrypted_message arrived without `payload`.',
    action: 'SDK bug: report it; resending the same frame fails again.',
    retryable: false,
  },
  {
    code: 'INVALID_PAYLOAD',
    origin: 'node',
    sentByNode: true,
    description: 'The session-init payload lacks one of its five fields.',
    action: 'SDK bug: report it; resending the same frame fails again.',
    retryable: false,
  },
  {
    code: 'MISSING_PAYLOAD_FIELDS',
    origin: 'node',
    sentByNode: true,
    description: 'A message payload lacks ciphertextHex, nonceHex or aadHex.',
    action: 'SDK bug: report it; resending the same frame fails again.',
    retryable: false,
  },
  {
    code: 'INVALID_HEX_ENCODING',
    origin: 'node',
    sentByNode: true,
    description: 'A hex field does not decode (odd length or a non-hex character).',
    action: 'SDK bug: report it; resending the same frame fails again.',
    retryable: false,
  },
  {
    code: 'INVALID_NONCE_SIZE',
    origin: 'node',
    sentByNode: true,
    description: 'The nonce is not 24 bytes.',
    action: 'SDK bug: report it; resending the same frame fails again.',
    retryable: false,
  },
  {
    code: 'DECRYPTION_FAILED',
    origin: 'node',
    sentByNode: true,
    description:
      'Init: any failure (bad key point, AEAD, JSON, field types, sessionKey, signature) — most often a wrong node ' +
      'public key or key derivation. Message: AEAD failure with the stored session key.',
    action:
      'On init: verify the node public key against the host address and fail the session. On a message: ' +
      're-initialise the session, then fail if it happens again.',
    retryable: false,
  },
  {
    code: 'MISSING_SESSION_ID',
    origin: 'node',
    sentByNode: true,
    description: 'An encrypted_message without any session id.',
    action: 'SDK bug: report it; resending the same frame fails again.',
    retryable: false,
  },
  {
    code: 'SESSION_KEY_NOT_FOUND',
    origin: 'node',
    sentByNode: true,
    description: 'The node has no key for that session id: never initialised, or the node restarted.',
    action:
      'Re-send encrypted_session_init with a fresh session key (same session_id), then resend the prompt once.',
    retryable: true,
  },
  {
    code: 'INVALID_UTF8',
    origin: 'node',
    sentByNode: true,
    description: 'The decrypted prompt is not valid UTF-8.',
    action: 'SDK bug: report it; resending the same frame fails again.',
    retryable: false,
  },
  {
    code: 'ENCRYPTION_FAILED',
    origin: 'node',
    sentByNode: true,
    description: 'The node failed to encrypt a response chunk; a stream_end {reason: "error"} follows.',
    action: 'Treat the response as failed; the prompt may be sent again.',
    retryable: true,
  },
  {
    code: 'TOKEN_LIMIT_EXCEEDED',
    origin: 'node',
    sentByNode: true,
    description:
      'The prompt (with the conversation history) exceeds the context window; the frame carries prompt_tokens and ' +
      'context_window_size.',
    action:
      'Shorten the prompt or start a new session; surface prompt_tokens and context_window_size to the caller.',
    retryable: false,
  },
  // Documented by the node team but never sent by the node.
  {
    code: 'INVALID_SIGNATURE',
    origin: 'node',
    sentByNode: false,
    description:
      'Documented but never sent: signature problems surface as DECRYPTION_FAILED or as a wrong client_address.',
    action:
      'Map it if seen: fail the session and check that the signer signs the raw sha256 digest (no EIP-191).',
    retryable: false,
  },
  {
    code: 'SESSION_EXPIRED',
    origin: 'node',
    sentByNode: false,
    description: 'Documented but never sent: the node keeps session keys until it restarts (no TTL).',
    action: 'Map it if seen: re-initialise the session, then resend the prompt once.',
    retryable: true,
  },
  {
    code: 'RATE_LIMIT',
    origin: 'node',
    sentByNode: false,
    description:
      'Documented but never sent: the node reports rate limiting as a shape B error (see RATE_LIMITED).',
    action: 'Map it if seen: back off, then retry.',
    retryable: true,
  },
  {
    code: 'AUTH_FAILED',
    origin: 'node',
    sentByNode: false,
    description: 'Documented but never sent: the WebSocket has no authentication.',
    action: 'Map it if seen: fail the session.',
    retryable: false,
  },
  {
    code: 'INVALID_JOB',
    origin: 'node',
    sentByNode: false,
    description: 'Documented but never sent: the node does not check the job in the session init.',
    action: 'Map it if seen: fail the session and check the job id.',
    retryable: false,
  },
  // Raised by the SDK itself.
  {
    code: 'RATE_LIMITED',
    origin: 'client',
    sentByNode: false,
    description:
      'The node answered with a shape B rate-limit error ("Rate limit exceeded, retry after N seconds"); the ' +
      'limit (60 requests/minute) is shared by all WebSocket clients of the node. Carries retryAfterMs.',
    action: 'Wait retryAfterMs, then retry.',
    retryable: true,
  },
  {
    code: 'NODE_ERROR',
    origin: 'client',
    sentByNode: false,
    description:
      'Any other shape B error from the node (validation error, engine unavailable, …), an unknown shape A code ' +
      '(kept in `details.nodeCode`), or a session_init_ack whose status is not "success" (`details.status`). ' +
      'Carries the node text capped at 1 KB in `nodeMessage` (the full text in `nodeMessageRaw`).',
    action: 'Surface the node message; the request (or the session init) failed.',
    retryable: false,
  },
  {
    code: 'CLIENT_ADDRESS_MISMATCH',
    origin: 'client',
    sentByNode: false,
    description:
      "The init signature belongs to another address than the signer's: checked locally before every init is sent " +
      "(`details.checkedBy: 'client'`: the wallet switched accounts or returned a wrong recovery id) and again " +
      'against session_init_ack.client_address (a wrong signing scheme or tampering).',
    action:
      'Fail the session and zero its keys; check the wallet (current account, raw digest signature, no EIP-191 prefix).',
    retryable: false,
  },
  {
    code: 'CHUNK_OUT_OF_ORDER',
    origin: 'client',
    sentByNode: false,
    description:
      'A response chunk arrived with an index other than the next expected one (or after the final chunk), or a node ' +
      'frame reused a nonce already seen in this session: replay, reordering or a dropped chunk. (A chunk that fails ' +
      'authentication under the expected AAD `chunk_<n>` is `DECRYPTION_FAILED`.) The SDK has already failed the ' +
      'session and zeroed its key.',
    action: 'Abort the response and close the session.',
    retryable: false,
  },
  {
    code: 'STREAM_TRUNCATED',
    origin: 'client',
    sentByNode: false,
    description:
      'The answer could not be authenticated as complete: `stream_end` (unauthenticated) arrived before a valid ' +
      '`encrypted_response`, `encrypted_response` came before the final chunk, or a chunk with answer text was ' +
      'marked final. The session has been failed and its key zeroed.',
    action: 'Treat the delivered text as incomplete; open a new session and send the prompt again if needed.',
    retryable: true,
  },
  {
    code: 'INVALID_FRAME',
    origin: 'client',
    sentByNode: false,
    description:
      'An inbound frame is not JSON, too complex to parse (nesting over 128, over 2^20 values, over 64 MiB) or does ' +
      'not match its schema; carries the first validation issues. Also the code of `warning` events (an ' +
      'unauthenticated field contradicting its authenticated twin, an unusable stream_end after the authenticated end).',
    action: 'Fail the pending request; report the node version if it persists.',
    retryable: false,
  },
  {
    code: 'PROMPT_IN_FLIGHT',
    origin: 'client',
    sentByNode: false,
    description:
      'A prompt is already streaming on this connection; the node would silently drop a second one.',
    action: 'Wait for the current response (or cancel it), then send.',
    retryable: true,
  },
  {
    code: 'INVALID_PROMPT',
    origin: 'client',
    sentByNode: false,
    description: 'The prompt request failed validation before sending (e.g. max_tokens outside u32).',
    action: 'Fix the request; the node would have ignored it without reply.',
    retryable: false,
  },
  {
    code: 'INVALID_STATE',
    origin: 'client',
    sentByNode: false,
    description:
      'The operation is not valid in the current state (e.g. a prompt before the session is initialised).',
    action: 'Fix the call order.',
    retryable: false,
  },
  {
    code: 'UNSUPPORTED_SIGNER',
    origin: 'client',
    sentByNode: false,
    description:
      'The signer cannot sign a raw 32-byte digest (for example it only offers EIP-191 signMessage).',
    action: 'Use a signer that can sign raw digests.',
    retryable: false,
  },
  {
    code: 'CONNECTION_LOST',
    origin: 'client',
    sentByNode: false,
    description:
      'The WebSocket closed while a request was in flight. The request may have been partly processed by the node, so ' +
      'it is never replayed automatically.',
    action:
      'Send the prompt again if appropriate. The transport client reconnects and re-keys the session by itself ' +
      '(when `reconnect` is on); with a custom transport, reconnect and call `init()` again.',
    retryable: true,
  },
  {
    code: 'TIMEOUT',
    origin: 'client',
    sentByNode: false,
    families: ['transcode', 'ltx'],
    description:
      'No reply within the deadline (the node ignores some malformed requests without replying), or a wallet that ' +
      'did not sign the session init within `timeouts.ackMs` (`details.phase: "sign"`). The node also sends it in ' +
      'transcode_error/ltx_error when a job exceeds its 1,800 s limit.',
    action: 'Retry, or reconnect if it persists.',
    retryable: true,
  },
  {
    code: 'ABORTED',
    origin: 'client',
    sentByNode: false,
    description: 'The caller aborted the operation (AbortSignal).',
    action: 'None: the caller asked for it.',
    retryable: false,
  },
  {
    code: 'SESSION_CLOSED',
    origin: 'client',
    sentByNode: false,
    description: 'The session was closed and its keys zeroed.',
    action: 'Open a new session.',
    retryable: false,
  },
  {
    code: 'CONNECTION_FAILED',
    origin: 'client',
    sentByNode: false,
    description:
      "The node was never reached: the WebSocket could not be opened or closed before the node's greeting. " +
      '`details.cause` says why (`refused`, `dns`, `tls`, `http` with `details.status`, `network`, ' +
      '`closed-before-greeting`, `unknown` — browsers do not reveal the cause) and `details.url` where. Retryable ' +
      'only when waiting can help (refused, network, temporary DNS, HTTP 5xx); reconnects stop at the first ' +
      'non-retryable one and otherwise after `reconnect.attempts`.',
    action:
      'Check the node URL (scheme, host, port, the /v1/ws path) and that the node is running; retry later.',
    retryable: true,
  },
  {
    code: 'INVALID_CONFIG',
    origin: 'client',
    sentByNode: false,
    description:
      'A session or client option is invalid (node public key, jobId, pricePerToken, modelName, URL, timeouts); `details.field` names it.',
    action: 'Fix the named option. Nothing was sent to the node.',
    retryable: false,
  },
  {
    code: 'NODE_KEY_MISMATCH',
    origin: 'client',
    sentByNode: false,
    description:
      "The node public key does not belong to the expected host address (keccak256 of the key ≠ the registry's host address): a wrong or swapped key. Checked before any secret is sent.",
    action:
      'Get the node public key again from a trusted source (config or registry metadata); do not connect.',
    retryable: false,
  },
  {
    code: 'SIGNER_FAILED',
    origin: 'client',
    sentByNode: false,
    description: 'The wallet failed or refused to sign the session-init digest; the cause is attached.',
    action: 'Check the wallet (unlocked, user approved) and retry init.',
    retryable: true,
  },
]

/** Every error code: node codes (sent and never sent) and SDK-side codes, in table order. */
export const ERROR_CODE_TABLE: readonly ErrorCodeRow[] = [
  ...CORE_ERROR_ROWS,
  ...ACTION_ERROR_ROWS,
  ...NEVER_SENT_SURFACE_ROWS,
  ...SHAPE_B_ROWS,
]

/** Schema of the `ErrorCode` string union (every code of {@link ERROR_CODE_TABLE}). */
export const ErrorCode = named(
  'ErrorCode',
  Type.Union(
    ERROR_CODE_TABLE.map((row) => Type.Literal(row.code, { description: row.description })),
    { description: 'Every error code: node codes (sent or documented) and codes the SDK raises itself.' },
  ),
)
