import { type ClientOptions, createClient, type FabstirClient } from '../../src/index.js'

/**
 * An I/O shell around the client core: how a test gets a client. Every behaviour test runs once per shell
 * (`describe.each(SHELLS)`), so the ws shell and a custom carrier are held to the same behaviour.
 */
export interface Shell {
  /** Shown in test names: `ws` (`createClient`), `port` (MessagePort → relay → WebSocket). */
  readonly name: string
  /** A client for `options` over this shell; `options.url` and `options.socketFactory` say how to reach the node. */
  createClient(options: ClientOptions): FabstirClient
}

/** `@fabstir/transport-ws` itself. */
export const WS_SHELL: Shell = { name: 'ws', createClient }

/** The shells every behaviour test runs on. */
export const SHELLS: readonly Shell[] = [WS_SHELL]
