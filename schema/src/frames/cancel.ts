import { Type } from '@sinclair/typebox'
import { named } from '../keywords.js'

/** `transcode_cancel` — plaintext; honoured only inside the transcode loop. */
export const TranscodeCancelFrame = named(
  'TranscodeCancelFrame',
  Type.Object(
    { type: Type.Literal('transcode_cancel', { description: 'Frame type.' }) },
    {
      description:
        'Leaves the transcode loop (best-effort sidecar cancel). No confirmation frame. Also required after ' +
        'transcode_complete/transcode_error: the node keeps the socket captured until it arrives. Other fields ' +
        'are ignored; elsewhere the frame is ignored.',
      examples: [{ type: 'transcode_cancel' }],
    },
  ),
)

/** `ltx_cancel` — plaintext; honoured only inside the LTX loop. */
export const LtxCancelFrame = named(
  'LtxCancelFrame',
  Type.Object(
    { type: Type.Literal('ltx_cancel', { description: 'Frame type.' }) },
    {
      description:
        'Interrupts the LTX render (ComfyUI /interrupt is sidecar-global) and leaves the loop. No confirmation ' +
        'frame. Never put it inside encrypted_message (an unknown action is treated as chat).',
      examples: [{ type: 'ltx_cancel' }],
    },
  ),
)
