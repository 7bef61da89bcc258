import { FabstirError } from '@fabstir/protocol'
import type { ClientDeps, ClientUnderTest } from './client-under-test.js'

/** The SDK's client core behind the simulated shell (wired once `createClientCore` is available). */
export function sdkClient(_deps: ClientDeps): ClientUnderTest {
  throw new FabstirError('INVALID_CONFIG', 'createClientCore is not available on this branch yet')
}
