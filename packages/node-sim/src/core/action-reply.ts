import { bytesToHex, seal, utf8ToBytes } from '@fabstir/crypto'
import { stringifyJson } from '../json-lossless.js'
import type { OutFrame, RequestId } from './frames.js'
import type { Faults, Logger } from './types.js'

/** The AAD label ("family") every reply of an action is sealed with (PROTOCOL-SURFACE §4.3). */
export type ActionFamily =
  | 'encrypted_image_response'
  | 'encrypted_transcode_response'
  | 'encrypted_ltx_response'

/** The family a `wrongActionAad` fault seals with instead. */
const NEXT_FAMILY: Record<ActionFamily, ActionFamily> = {
  encrypted_image_response: 'encrypted_transcode_response',
  encrypted_transcode_response: 'encrypted_ltx_response',
  encrypted_ltx_response: 'encrypted_image_response',
}

/**
 * Seals the inner messages of one action flow into `encrypted_response` envelopes (fresh nonce each, `session_id`
 * always present, `id` only where the caller passes it) and applies the action faults snapshotted at flow start.
 */
export class ActionReplier {
  private count = 0

  constructor(
    private readonly family: ActionFamily,
    private readonly key: Uint8Array,
    private readonly sessionId: string,
    private readonly faults: Readonly<Faults>,
    private readonly out: (frame: OutFrame) => void,
    private readonly logger: Logger | undefined,
    private readonly closeTransport: () => void = () => {},
  ) {}

  /**
   * Send one inner message. `terminal` marks the flow's last message (subject to `dropActionCompletion`). Returns
   * false when a fault suppressed it.
   */
  send(inner: OutFrame, opts: { id?: RequestId; terminal?: boolean } = {}): boolean {
    const n = this.count++
    const f = this.faults
    if (opts.terminal === true && f.dropActionCompletion === true) {
      this.logger?.warn('injected missing action completion', { family: this.family })
      return false
    }
    const label = f.wrongActionAad === true ? NEXT_FAMILY[this.family] : this.family
    const aad = utf8ToBytes(label)
    const sealed = seal(this.key, stringifyJson(inner), aad)
    if (f.tamperActionReply === n) {
      this.logger?.warn('injected tampered action reply', { family: this.family, index: n })
      sealed.ciphertext[0] = sealed.ciphertext[0]! ^ 0x01
    }
    const frame: OutFrame = {
      type: 'encrypted_response',
      payload: {
        ciphertextHex: bytesToHex(sealed.ciphertext),
        nonceHex: bytesToHex(sealed.nonce),
        aadHex: bytesToHex(aad),
      },
      session_id: this.sessionId,
      id: opts.id,
    }
    this.out(frame)
    if (f.replayActionReply === n) this.out(frame)
    if (f.closeAfterActionReply === n) {
      this.logger?.warn('injected close mid-flow', { family: this.family, index: n })
      this.closeTransport()
    }
    return true
  }
}
