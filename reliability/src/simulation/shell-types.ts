// The shell contract of `@fabstir/protocol`'s client core, as the simulator uses it.
export type { Carrier, CarrierEvents, Clock, Connection, ConnectionClosed } from '@fabstir/protocol'
