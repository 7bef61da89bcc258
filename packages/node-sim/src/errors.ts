import { FabstirBaseError } from '@fabstir/wire'

/** Stable codes of the errors the simulator itself throws (configuration problems, never protocol errors). */
export type NodeSimErrorCode = 'INVALID_OPTION' | 'INVALID_FAULTS' | 'SERVER_START_FAILED' | 'INVALID_INPUT'

/**
 * The error class (a `FabstirBaseError`) of `@fabstir/node-sim`'s own API (bad options, bad faults, a port that cannot be bound).
 * Protocol errors are never thrown: they are sent to the client as the node would send them.
 */
export class NodeSimError extends FabstirBaseError {
  /** Always `'NodeSimError'`. */
  override readonly name: string = 'NodeSimError'
  /** Stable machine-readable code. */
  declare readonly code: NodeSimErrorCode
  /** Extra context (option names, values that are not secret). */
  readonly context: Record<string, unknown>

  constructor(
    code: NodeSimErrorCode,
    message: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, { cause: options?.cause, details: context })
    this.context = context
  }
}

/** True when `e` is a {@link NodeSimError}, optionally with the given code. */
export function isNodeSimError(e: unknown, code?: NodeSimErrorCode): e is NodeSimError {
  return e instanceof NodeSimError && (code === undefined || e.code === code)
}
