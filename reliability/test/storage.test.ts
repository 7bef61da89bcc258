import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startNodeSim } from '@fabstir/node-sim'
import { createClient } from '@fabstir/transport-ws'
import { afterEach, describe, expect, it } from 'vitest'
import { NODE_IDENTITY, SESSION_OPTIONS, testSigner } from '../src/common/identities.js'

const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url))
/** APIs that would persist data: browser storage, cookies, and Node file writes. */
const FORBIDDEN =
  /\b(localStorage|sessionStorage|indexedDB|document\.cookie|caches\.open)\b|\bfs\.write|\b(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream)\b|from ['"](node:)?fs(\/promises)?['"]/

/**
 * Files allowed to write, each for a reason: the conformance suite writes the report its user asked for with
 * `--report DIR` (it runs with throwaway wallets and scripted node keys; no user key ever reaches it).
 */
const WRITERS = new Set(['conformance/dist/report/write.js'])

function jsFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...jsFiles(path))
    else if (/\.(c|m)?js$/.test(name)) out.push(path)
  }
  return out
}

describe('no key is ever written to storage', () => {
  it("no package's dist uses browser storage, cookies or file writes", () => {
    const dists = readdirSync(PACKAGES)
      .map((p) => join(PACKAGES, p, 'dist'))
      .filter((d) => {
        try {
          return statSync(d).isDirectory()
        } catch {
          return false
        }
      })
    expect(dists.length).toBeGreaterThanOrEqual(6)
    const files = dists.flatMap(jsFiles)
    expect(files.length).toBeGreaterThan(20)
    const hits = files
      .filter((f) => !WRITERS.has(f.slice(PACKAGES.length)))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ f, i, line }))
          .filter(({ line }) => FORBIDDEN.test(line))
          .map(({ f, i, line }) => `${f.slice(PACKAGES.length)}:${i + 1}: ${line.trim().slice(0, 120)}`),
      )
    expect(hits).toEqual([])
  })

  it('the pattern does catch each forbidden API (so the scan can fail)', () => {
    for (const line of [
      'localStorage.setItem(k, v)',
      'window.sessionStorage.x = 1',
      'indexedDB.open("db")',
      'document.cookie = "a=b"',
      "import { writeFileSync } from 'node:fs'",
      'fs.writeSync(fd, buf)',
      'await fsp.appendFile(p, d)',
    ]) {
      expect(FORBIDDEN.test(line), line).toBe(true)
    }
    expect(FORBIDDEN.test('const storageKey = sessionKeyHex')).toBe(false)
  })

  describe('with browser storage stubbed to record every access', () => {
    const globals = globalThis as Record<string, unknown>
    const saved = new Map<string, PropertyDescriptor | undefined>()
    afterEach(() => {
      for (const [name, d] of saved) {
        if (d) Object.defineProperty(globalThis, name, d)
        else delete globals[name]
      }
      saved.clear()
    })

    it('a full session (init, prompts, restart re-key, close) touches none of them', async () => {
      const accesses: string[] = []
      const recorder = (name: string): object =>
        new Proxy(
          {},
          {
            get: (_t, prop) => {
              accesses.push(`${name}.${String(prop)}`)
              return () => null
            },
            set: (_t, prop) => {
              accesses.push(`${name}.${String(prop)}=`)
              return true
            },
          },
        )
      for (const name of ['localStorage', 'sessionStorage', 'indexedDB']) {
        saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name))
        Object.defineProperty(globalThis, name, { value: recorder(name), configurable: true, writable: true })
      }
      // The stub works: an access is recorded.
      ;(globals.localStorage as { getItem(k: string): unknown }).getItem('probe')
      expect(accesses).toEqual(['localStorage.getItem'])
      accesses.length = 0

      const sim = await startNodeSim({ privateKey: NODE_IDENTITY.privateKeyHex })
      try {
        const client = createClient({
          url: sim.url,
          nodePublicKey: NODE_IDENTITY.publicKey,
          signer: testSigner('storage-client').signer,
        })
        const session = await client.startSession(SESSION_OPTIONS)
        expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
        await sim.restart()
        expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
        await client.close()
      } finally {
        await sim.close()
      }
      expect(accesses).toEqual([])
    })
  })
})
