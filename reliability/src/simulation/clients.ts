import type { ClientFactory } from './client-under-test.js'
import { referenceClient } from './reference-client.js'
import { sdkClient } from './sdk-client.js'

/** The clients a simulation can drive, by name (worker threads get names, not functions). */
export const CLIENTS: Record<'sdk' | 'reference', ClientFactory> = {
  /** The SDK: `@fabstir/protocol`'s client core behind the simulated shell. */
  sdk: sdkClient,
  /** The minimal reference client of this folder (simulator self-checks). */
  reference: referenceClient,
}

export type ClientName = keyof typeof CLIENTS

export function isClientName(name: string): name is ClientName {
  return Object.hasOwn(CLIENTS, name)
}
