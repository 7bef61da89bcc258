import { isFabstirError } from '@fabstir/transport-ws'

/** Where the demo was pointed, to make error sentences concrete. */
export interface ErrorContext {
  url: string
  /** True when `--node-address` (or the built-in simulator's address) pinned the node key. */
  keyPinned: boolean
}

/**
 * A short sentence for the person at the terminal, in terms of the demo's flags. The library error keeps its precise
 * message (shown for codes without a friendlier sentence); the code and its troubleshooting link always follow.
 */
export function friendlyError(e: unknown, ctx: ErrorContext): string[] {
  if (!isFabstirError(e)) return [e instanceof Error ? e.message : String(e)]
  let sentence: string
  switch (e.code) {
    case 'NODE_KEY_MISMATCH':
      sentence =
        'The node key (--node-key) does not belong to the node address (--node-address). Copy both again from the ' +
        "node's registry entry; nothing was sent."
      break
    case 'DECRYPTION_FAILED':
      sentence = ctx.keyPinned
        ? 'The node could not decrypt the session. Check that --url is the node that --node-key belongs to.'
        : "The node could not decrypt the session: --node-key is probably not this node's key. Add --node-address " +
          'to have the key checked before connecting.'
      break
    case 'CONNECTION_FAILED':
      sentence = `Cannot reach a node at ${ctx.url}. Check --url and that the node is running.`
      break
    case 'ENCRYPTION_NOT_SUPPORTED':
      sentence =
        'This node has no encryption key. Use another node, or add --allow-plaintext-fallback if sending your ' +
        'prompts unencrypted is acceptable.'
      break
    case 'INVALID_CONFIG':
      sentence = `Invalid setting: ${e.message.replace(/\.$/, '')}.`
      break
    case 'TIMEOUT':
      sentence = 'The node did not answer in time. It may be overloaded; try again.'
      break
    default:
      sentence = e.message
  }
  return [`${sentence} [${e.code}]`, `help: ${e.docsUrl}`]
}
