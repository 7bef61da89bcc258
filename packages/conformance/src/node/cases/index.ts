import type { NodeCase } from '../case.js'
import { cancelCases } from './cancel.js'
import { chatCases } from './chat.js'
import { imageCases } from './image.js'
import { initCases } from './init.js'
import { initErrorCases } from './init-errors.js'
import { limitCases } from './limits.js'
import { ltxCases } from './ltx.js'
import { messageErrorCases } from './message-errors.js'
import { plaintextCases } from './plaintext.js'
import { ragCases } from './rag.js'
import { transcodeCases } from './transcode.js'
import { transportCases } from './transport.js'
import { visionCases } from './vision.js'

/** Every node-mode case, in run order (the rate-limit case last: it exhausts the node's shared window). */
export const NODE_CASES: readonly NodeCase[] = [
  ...transportCases,
  ...initCases,
  ...initErrorCases,
  ...chatCases,
  ...messageErrorCases,
  ...cancelCases,
  ...plaintextCases,
  ...imageCases,
  ...transcodeCases,
  ...ltxCases,
  ...ragCases,
  ...visionCases,
  ...limitCases,
]
