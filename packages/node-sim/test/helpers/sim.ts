import { afterEach } from 'vitest'
import { type NodeSimHandle, type NodeSimOptions, type Responder, startNodeSim } from '../../src/index.js'
import type { Frame } from './frame-queue.js'
import { type BuiltInit, buildInit, type InitOptions } from './protocol-client.js'
import { WsClient } from './ws-client.js'

/** An initialised encrypted session on one socket. */
export interface OpenSession {
  client: WsClient
  init: BuiltInit
  ack: Frame
  sid: string
}

/** Starts simulators and clients and closes all of them after each test. */
export function useSims() {
  const sims: NodeSimHandle<boolean>[] = []
  const clients: WsClient[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
    await Promise.all(sims.splice(0).map((s) => s.close()))
  })
  const api = {
    /** `startNodeSim`, closed after the test. */
    start: (async (options: NodeSimOptions = {}) => {
      const sim = await startNodeSim(options)
      sims.push(sim)
      return sim
    }) as typeof startNodeSim,
    async connect(sim: NodeSimHandle<boolean>): Promise<WsClient> {
      const { client } = await WsClient.connect(sim.url)
      clients.push(client)
      return client
    },
    /** Connect and run a successful encrypted session init. */
    async session(
      sim: NodeSimHandle<boolean>,
      opts: Partial<InitOptions> = {},
      client?: WsClient,
    ): Promise<OpenSession> {
      const c = client ?? (await api.connect(sim))
      const init = buildInit({ nodePublicKey: sim.core.publicKey, ...opts })
      const ack = await c.request(init.frame)
      if (ack.type !== 'session_init_ack') throw new Error(`init failed: ${JSON.stringify(ack)}`)
      return { client: c, init, ack, sid: init.frame.session_id as string }
    },
  }
  return api
}

/** A responder that yields `before`, waits for `release()`, then yields `after`. */
export function gatedResponder(before: string[], after: string[] = []) {
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let returned = false
  const responder: Responder = async function* gated() {
    try {
      for (const c of before) yield c
      await gate
      for (const c of after) yield c
    } finally {
      returned = true
    }
  }
  return { responder, release, wasFinalized: () => returned }
}

/** Poll a condition (5 ms steps) until true or fail after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
