import type { NodeCase } from '../case.js'
import { cancelCases } from './cancel.js'
import { chatCases } from './chat.js'
import { initCases } from './init.js'
import { initErrorCases } from './init-errors.js'
import { limitCases } from './limits.js'
import { messageErrorCases } from './message-errors.js'
import { plaintextCases } from './plaintext.js'
import { transportCases } from './transport.js'

/** Every node-mode case, in run order (the rate-limit case last: it exhausts the node's shared window). */
export const NODE_CASES: readonly NodeCase[] = [
  ...transportCases,
  ...initCases,
  ...initErrorCases,
  ...chatCases,
  ...messageErrorCases,
  ...cancelCases,
  ...plaintextCases,
  ...limitCases,
]
