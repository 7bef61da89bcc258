import type { FuzzTarget } from '../target.js'
import { nodeInitFrameTarget, nodeSessionDataTarget } from './node-sim.js'
import { hexToBytesTarget, parseJsonTarget } from './parse.js'
import { receiveEncryptedTarget, receivePlaintextTarget } from './receive.js'
import { walletSignatureTarget } from './signer.js'
import { wireCheckersTarget, wireClientFrameTarget, wireNodeFrameTarget } from './wire.js'

/** Every fuzz target, in report order. Weights are shares of `pnpm fuzz`'s total (normalised by their sum). */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  wireNodeFrameTarget,
  wireClientFrameTarget,
  wireCheckersTarget,
  parseJsonTarget,
  hexToBytesTarget,
  receiveEncryptedTarget,
  receivePlaintextTarget,
  nodeInitFrameTarget,
  nodeSessionDataTarget,
  walletSignatureTarget,
]

/** Split `total` cases over the targets by weight (largest remainder, so the parts add up to `total`). */
export function allocateCases(targets: readonly FuzzTarget[], total: number): Map<string, number> {
  const weightSum = targets.reduce((s, t) => s + t.weight, 0)
  const exact = targets.map((t) => (total * t.weight) / weightSum)
  const parts = exact.map(Math.floor)
  let rest = total - parts.reduce((a, b) => a + b, 0)
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0])
  for (const [, i] of order) {
    if (rest-- <= 0) break
    parts[i]!++
  }
  return new Map(targets.map((t, i) => [t.name, parts[i]!]))
}
