import { bytesToHex, randomBytes } from '@fabstir/crypto'

/** A fresh request id: unguessable, so a stale frame from an earlier request can never match a new one. */
export function newRequestId(): string {
  return `req-${bytesToHex(randomBytes(8))}`
}

/** A fresh session id (UUID v4 format, as the node's docs use). */
export function newSessionId(): string {
  const b = randomBytes(16)
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = bytesToHex(b)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
