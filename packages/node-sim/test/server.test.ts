import { request as httpRequest } from 'node:http'
import { bytesToHex, getPublicKey, hexToBytes, publicKeyToAddress } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { expectedAnswer, type NodeSimOptions, startNodeSim } from '../src/index.js'
import { collectEncrypted, promptFrame } from './helpers/protocol-client.js'
import { useSims } from './helpers/sim.js'
import { expectNoReplyBefore, WsClient } from './helpers/ws-client.js'

const sims = useSims()

describe('WebSocket server shell', () => {
  it('listens on 127.0.0.1 with a free port and reports url, key and address', async () => {
    const priv = `0x${'11'.repeat(32)}`
    const sim = await sims.start({ privateKey: priv })
    expect(sim.url).toBe(`ws://127.0.0.1:${sim.port}/v1/ws`)
    expect(sim.port).toBeGreaterThan(0)
    expect(sim.publicKey).toBe(`0x${bytesToHex(getPublicKey(hexToBytes(priv)))}`)
    expect(sim.publicKey).toMatch(/^0x0[23][0-9a-f]{64}$/)
    expect(sim.address).toBe(publicKeyToAddress(sim.publicKey))
    const { hello } = await WsClient.connect(sim.url).then(async (r) => {
      await r.client.close()
      return r
    })
    expect(hello).toEqual({ type: 'connected', message: 'WebSocket connected successfully' })
  })

  it('reports no public key for a node without encryption (the type says so too)', async () => {
    const sim = await sims.start({ encryption: false })
    const key: null = sim.publicKey
    expect(key).toBeNull()
    expect(sim.address).toMatch(/^0x[0-9a-f]{40}$/)
    const options: NodeSimOptions = { encryption: true }
    const either = await sims.start(options) // NodeSimHandle<boolean>: publicKey may be null
    expect(either.publicKey ?? 'absent').toMatch(/^0x0[23]/)
  })

  it('answers 404 to upgrades on other paths and to plain HTTP requests; accepts a query string', async () => {
    const sim = await sims.start()
    for (const path of ['/', '/ws', '/v1/ws/extra', '/v2/ws']) {
      const ws = new WebSocket(`ws://127.0.0.1:${sim.port}${path}`)
      const status = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        ws.once('open', () => reject(new Error(`upgrade on ${path} succeeded`)))
        ws.once('error', () => {})
      })
      expect(status, path).toBe(404)
    }
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`http://127.0.0.1:${sim.port}/v1/ws`, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.once('error', reject)
      req.end()
    })
    expect(status).toBe(404)
    const { client } = await WsClient.connect(`${sim.url}?x=1`)
    await client.close()
  })

  it('answers WebSocket pings', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    const pong = new Promise<string>((resolve) => client.ws.once('pong', (data) => resolve(data.toString())))
    client.ws.ping('are-you-there')
    expect(await pong).toBe('are-you-there')
  })

  it('ignores binary frames', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    client.ws.send(Buffer.from(JSON.stringify({ type: 'session_init', id: 'bin' })), { binary: true })
    await expectNoReplyBefore(client)
  })

  it('serves 50 concurrent encrypted sessions with distinct keys and no cross-talk', async () => {
    const sim = await sims.start({ rateLimitPerMinute: 1000 })
    const sessions = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sims.session(sim, { sessionId: `conc-${i}`, jobId: String(i) })),
    )
    expect(new Set(sessions.map((s) => bytesToHex(s.init.sessionKey))).size).toBe(50)
    expect(sim.core.sessionCount).toBe(50)
    const results = await Promise.all(
      sessions.map(async (s, i) => {
        const prompt = `prompt number ${i} for ${s.sid}`
        s.client.send(promptFrame(s.sid, s.init.sessionKey, prompt, { id: `m-${i}` }))
        const r = await collectEncrypted(s.client.q, s.init.sessionKey)
        return { r, prompt, i }
      }),
    )
    for (const { r, prompt, i } of results) {
      expect(r.text).toBe(expectedAnswer(prompt))
      expect(r.end).toMatchObject({ id: `m-${i}`, session_id: `conc-${i}` })
      expect(r.chunks.every((c) => c.session_id === `conc-${i}`)).toBe(true)
    }
  })

  it('close() terminates every socket, resolves when closed, and is idempotent', async () => {
    const sim = await startNodeSim()
    const a = await WsClient.connect(sim.url)
    const b = await WsClient.connect(sim.url)
    const closing = sim.close()
    expect(sim.close()).toBe(closing)
    await closing
    await Promise.all([a.client.closed, b.client.closed])
    await expect(WsClient.connect(sim.url)).rejects.toThrow()
  })

  it('rejects a port that is taken and invalid options', async () => {
    const sim = await sims.start()
    await expect(startNodeSim({ port: sim.port })).rejects.toMatchObject({ code: 'SERVER_START_FAILED' })
    await expect(startNodeSim({ privateKey: '0x00' })).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })

  it('counts open connections and can cut them all from the node side', async () => {
    const sim = await sims.start()
    expect(sim.connectionCount).toBe(0)
    const a = await WsClient.connect(sim.url)
    const b = await WsClient.connect(sim.url)
    expect(sim.connectionCount).toBe(2)
    expect(sim.dropConnections()).toBe(2)
    expect(await a.client.closed).toBe(1006)
    expect(await b.client.closed).toBe(1006)
    await expect.poll(() => sim.connectionCount).toBe(0)
    await a.client.close()
    await b.client.close()
  })
})
