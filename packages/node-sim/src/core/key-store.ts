import { zeroize } from '@fabstir/crypto'

/**
 * The node's in-memory session key map: session id → 32-byte key. No TTL, shared by all connections, not cleared on
 * disconnect; {@link SessionKeyStore.clear} models a node restart.
 */
export class SessionKeyStore {
  private readonly keys = new Map<string, Uint8Array>()

  /** Store (or replace) the key of a session. The store keeps its own copy. */
  set(sessionId: string, key: Uint8Array): void {
    const previous = this.keys.get(sessionId)
    if (previous) zeroize(previous)
    this.keys.set(sessionId, key.slice())
  }

  /** The key of a session, if any. */
  get(sessionId: string): Uint8Array | undefined {
    return this.keys.get(sessionId)
  }

  /** Number of stored keys. */
  get size(): number {
    return this.keys.size
  }

  /** Zero and drop every key. */
  clear(): void {
    for (const key of this.keys.values()) zeroize(key)
    this.keys.clear()
  }
}
