// The shell contract of `@fabstir/protocol` (packages/protocol/src/client/shell.ts), restated structurally until the
// client core exports it; replaced by a re-export once it does.
import type { FabstirError } from '@fabstir/protocol'

export interface ConnectionClosed {
  readonly code: number
  readonly reason: string
  readonly opened: boolean
  readonly failure?: FabstirError
}

export interface CarrierEvents {
  open(): void
  message(text: string): void
  closed(info: ConnectionClosed): void
}

export interface Connection {
  send(text: string): void
  close(code: number, reason: string): void
}

export interface Carrier {
  connect(events: CarrierEvents): Connection
}

export interface Clock {
  now(): number
  arm(at: number | undefined, fire: () => void): void
}
