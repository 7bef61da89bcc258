import { generateEphemeralKey, getPublicKey, publicKeyToAddress } from '@fabstir/crypto'
import { FabstirBaseError } from '@fabstir/wire'
import type { CaseResult, SuiteReport } from '../report/types.js'
import { type Capabilities, type CaseContext, GROUPS, type NodeCase, type NodeTarget } from './case.js'
import { NODE_CASES } from './cases/index.js'
import { CaseFailure, Inconclusive, NotServed, Probe } from './probe.js'
import { buildInit, newWallet, type TestWallet } from './session-crypto.js'
import { expectType } from './steps.js'

/** Options of {@link runNodeSuite}. */
export interface RunNodeOptions {
  /** Run only the cases this returns true for (e.g. by id prefix). */
  filter?: (c: NodeCase) => boolean
  /** Called after each case (progress output). */
  onResult?: (result: CaseResult) => void
  /**
   * Prompts the suite may send per rolling minute before it pauses, so it never trips the node's shared rate limit
   * by accident (default: the rate limit minus 10, or 50).
   */
  promptsPerMinute?: number
}

/** A configuration problem found before any case ran (wrong key, unreachable node). */
export class TargetError extends FabstirBaseError {
  /** Always `'TargetError'`. */
  override readonly name: string = 'TargetError'

  constructor(message: string, options?: { cause?: unknown }) {
    super('TARGET_UNAVAILABLE', message, options)
  }
}

const PROMPT_FRAME = /^\{"type":"(encrypted_message|prompt|inference)"/

async function detectCapabilities(target: NodeTarget, wallet: TestWallet): Promise<Capabilities> {
  let probe: Probe
  try {
    probe = await Probe.open(target.url, target.timeoutMs)
  } catch (e) {
    throw new TargetError(e instanceof Error ? e.message : String(e))
  }
  try {
    await expectType(probe, 'connected', 'the connected greeting')
    const key = target.nodePublicKey ?? getPublicKey(generateEphemeralKey().privateKey, true)
    probe.send(buildInit(key, wallet, { id: 'capabilities' }).frame)
    const reply = await probe.tryNext(target.timeoutMs)
    let encryption: boolean
    // No answer at all: assume what the command line says; the cases will report the silence.
    if (!reply) return { encryption: target.nodePublicKey !== undefined, plaintext: true }
    if (reply.json?.type === 'session_init_ack') encryption = true
    else if (reply.json?.code === 'ENCRYPTION_NOT_SUPPORTED') encryption = false
    else if (reply.json?.code === 'DECRYPTION_FAILED') {
      if (target.nodePublicKey) {
        throw new TargetError(
          "the node could not decrypt a session init sealed to --node-key: the key is not this node's static key",
        )
      }
      encryption = true
    } else throw new TargetError(`unexpected reply to an encrypted init: ${reply.text.slice(0, 200)}`)
    probe.send({ type: 'session_init', id: 'capabilities-plain', session_id: 'conf-capabilities', job_id: 1 })
    const plain = await probe.tryNext(target.timeoutMs)
    return { encryption, plaintext: plain?.json?.type === 'session_init_ack' }
  } finally {
    probe.close()
  }
}

function precondition(
  c: NodeCase,
  target: NodeTarget,
  caps: Capabilities,
): Pick<CaseResult, 'status' | 'message'> | undefined {
  for (const need of c.needs ?? []) {
    if (need === 'encryption' && !caps.encryption)
      return { status: 'not-served', message: 'the node has no host key (ENCRYPTION_NOT_SUPPORTED)' }
    if (need === 'encryption' && !target.nodePublicKey)
      return { status: 'skipped', message: 'give --node-key to run encrypted cases' }
    if (need === 'no-encryption' && caps.encryption)
      return { status: 'not-served', message: 'the node has a host key' }
    if (need === 'plaintext' && !caps.plaintext)
      return { status: 'not-served', message: 'the node does not answer a plaintext session_init' }
    if (need === 'rate-limit' && target.rateLimit === undefined)
      return { status: 'skipped', message: 'give --rate-limit N to run' }
    if (need === 'transcode-source' && target.transcodeSource === undefined)
      return { status: 'skipped', message: 'give --transcode-source CID to run transcode jobs' }
    if (need === 'ltx-renders' && !target.ltxRenders)
      return { status: 'skipped', message: 'give --ltx-renders to start LTX renders' }
  }
  return undefined
}

/**
 * Run the node battery against `target`: each case on fresh connections, strictly one after another. Flows the node
 * does not serve are reported as "not served", cases that need an input you did not give as "skipped".
 */
export async function runNodeSuite(target: NodeTarget, options: RunNodeOptions = {}): Promise<SuiteReport> {
  if (target.nodePublicKey && target.nodeAddress) {
    const derived = publicKeyToAddress(target.nodePublicKey)
    if (derived !== target.nodeAddress.toLowerCase()) {
      throw new TargetError(`--node-key belongs to ${derived}, not to --node-address ${target.nodeAddress}`)
    }
  }
  const wallet = newWallet()
  const startedAt = new Date()
  const capabilities = await detectCapabilities(target, wallet)
  const budget = options.promptsPerMinute ?? Math.max(1, (target.rateLimit ?? 60) - 10)
  const promptTimes: number[] = []
  const results: CaseResult[] = []
  for (const c of NODE_CASES) {
    if (options.filter && !options.filter(c)) continue
    const base = { id: c.id, group: c.group, title: c.title, spec: c.spec }
    const blocked = precondition(c, target, capabilities)
    if (blocked) {
      const result: CaseResult = { ...base, ...blocked, durationMs: 0, frames: [] }
      results.push(result)
      options.onResult?.(result)
      continue
    }
    // Pace prompts under the node's shared rate limit (the rate-limit case itself is meant to exceed it).
    if (!c.needs?.includes('rate-limit')) {
      for (;;) {
        const now = Date.now()
        while (promptTimes.length > 0 && promptTimes[0]! < now - 60_000) promptTimes.shift()
        if (promptTimes.length + 6 <= budget) break
        await new Promise((resolve) => setTimeout(resolve, promptTimes[0]! + 60_001 - now))
      }
    }
    const probes: Probe[] = []
    const ctx: CaseContext = {
      target,
      capabilities,
      wallet,
      async connect() {
        const probe = await Probe.open(target.url, target.timeoutMs)
        probes.push(probe)
        await expectType(probe, 'connected', 'the connected greeting')
        return probe
      },
    }
    const started = Date.now()
    let status: CaseResult['status'] = 'pass'
    let message: string | undefined
    try {
      await c.run(ctx)
    } catch (e) {
      if (e instanceof NotServed) status = 'not-served'
      else if (e instanceof Inconclusive) status = 'skipped'
      else status = 'fail'
      message = e instanceof Error ? e.message : String(e)
      if (!(e instanceof CaseFailure || e instanceof NotServed || e instanceof Inconclusive)) {
        message = `internal error: ${message}`
      }
    } finally {
      for (const p of probes) p.close()
    }
    const frames = probes.flatMap((p, i) =>
      probes.length > 1 ? p.frames.map((f) => ({ ...f, text: `[connection ${i + 1}] ${f.text}` })) : p.frames,
    )
    for (const f of frames)
      if (f.dir === '→' && PROMPT_FRAME.test(f.text.replace(/^\[connection \d+\] /, '')))
        promptTimes.push(started + f.at)
    const result: CaseResult = { ...base, status, durationMs: Date.now() - started, frames }
    if (message !== undefined) result.message = message
    results.push(result)
    options.onResult?.(result)
  }
  return {
    mode: 'node',
    target: target.url,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    capabilities: { ...capabilities },
    groups: GROUPS,
    results,
  }
}
