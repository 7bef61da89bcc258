import {
  bytesToHex,
  deriveInitKey,
  generateEphemeralKey,
  getPublicKey,
  hexToBytes,
  open,
  randomBytes,
  seal,
  sha256,
  signDigest,
  utf8ToBytes,
} from '@fabstir/crypto'
import WebSocket from 'ws'

/**
 * A deliberately broken client for the meta-tests: it decrypts each chunk with the AAD the frame announces, in
 * arrival order, and trusts `stream_end` — the mistakes the node team's SDK makes. It must fail the integrity cases.
 */
export async function runNaiveDriver(base: string): Promise<void> {
  const info = (await (await fetch(`${base}/info`)).json()) as {
    nodePublicKey: string
    cases: { id: string; prompts: number; path: string }[]
  }
  const wallet = generateEphemeralKey().privateKey
  for (const c of info.cases) {
    const report = await runCase(
      `${base.replace(/^http/, 'ws')}${c.path}`,
      info.nodePublicKey,
      wallet,
      c.prompts,
    ).catch((e: unknown) => ({ error: e instanceof Error ? e.message : 'UNKNOWN' }))
    await fetch(`${base}/report/${c.id}`, { method: 'POST', body: JSON.stringify(report) })
  }
}

function runCase(
  url: string,
  nodeKey: string,
  wallet: Uint8Array,
  prompts: number,
): Promise<{ delivered: string } | { error: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    const sessionKey = randomBytes(32)
    let text = ''
    let remaining = prompts
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error('TIMEOUT'))
    }, 2000)
    const done = (r: { delivered: string } | { error: string }) => {
      clearTimeout(timer)
      ws.close()
      resolve(r)
    }
    const prompt = () => {
      const s = seal(sessionKey, 'hello', 'message_0')
      ws.send(
        JSON.stringify({
          type: 'encrypted_message',
          id: 'p',
          session_id: 's',
          payload: {
            ciphertextHex: bytesToHex(s.ciphertext),
            nonceHex: bytesToHex(s.nonce),
            aadHex: '6d6573736167655f30',
          },
        }),
      )
    }
    ws.on('error', () => done({ error: 'CONNECTION_LOST' }))
    ws.on('close', () => done({ error: 'CONNECTION_LOST' }))
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as {
        type: string
        code?: string
        payload: { nonceHex: string; ciphertextHex: string; aadHex: string }
      }
      if (f.type === 'connected') {
        const eph = generateEphemeralKey()
        const data = `{"sessionKey":"${bytesToHex(sessionKey)}","jobId":"1","modelName":"m","pricePerToken":2272727273}`
        const s = seal(deriveInitKey(eph.privateKey, nodeKey), data, 'session_init')
        const sig = signDigest(wallet, sha256(s.ciphertext))
        ws.send(
          JSON.stringify({
            type: 'encrypted_session_init',
            id: 'i',
            session_id: 's',
            chain_id: 84532,
            payload: {
              ephPubHex: bytesToHex(getPublicKey(eph.privateKey)),
              ciphertextHex: bytesToHex(s.ciphertext),
              signatureHex: bytesToHex(sig),
              nonceHex: bytesToHex(s.nonce),
              aadHex: bytesToHex(utf8ToBytes('session_init')),
            },
          }),
        )
      } else if (f.type === 'session_init_ack') prompt()
      else if (f.type === 'error') done({ error: f.code ?? 'NODE_ERROR' })
      else if (f.type === 'encrypted_chunk') {
        try {
          text += new TextDecoder().decode(
            open(
              sessionKey,
              hexToBytes(f.payload.nonceHex),
              hexToBytes(f.payload.ciphertextHex),
              hexToBytes(f.payload.aadHex),
            ),
          )
        } catch {
          done({ error: 'DECRYPTION_FAILED' })
        }
      } else if (f.type === 'stream_end') {
        remaining--
        if (remaining > 0) {
          text = ''
          prompt()
        } else done({ delivered: text })
      }
    })
  })
}
