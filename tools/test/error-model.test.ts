// One error model (issue #14): every error class of every package is `FabstirBaseError` or a subclass of it.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as conformance from '../../packages/conformance/dist/index.js'
import * as crypto from '../../packages/crypto/dist/index.js'
import * as cryptoNode from '../../packages/crypto/dist/node.js'
import * as nodeSim from '../../packages/node-sim/dist/index.js'
import * as protocol from '../../packages/protocol/dist/index.js'
import * as signerEthers from '../../packages/signer-ethers/dist/index.js'
import * as signerViem from '../../packages/signer-viem/dist/index.js'
import * as transportWs from '../../packages/transport-ws/dist/index.js'
import * as wire from '../../packages/wire/dist/index.js'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Plain throws not yet in the model, each with its reason. Remove an entry when its file is fixed (the test then
 * fails on any plain throw that comes back).
 */
const KNOWN_PLAIN_THROWS: Readonly<Record<string, string>> = {}

const ENTRY_POINTS: Record<string, Record<string, unknown>> = {
  '@fabstir/wire': wire,
  '@fabstir/crypto': crypto,
  '@fabstir/crypto/node': cryptoNode,
  '@fabstir/protocol': protocol,
  '@fabstir/transport-ws': transportWs,
  '@fabstir/signer-viem': signerViem,
  '@fabstir/signer-ethers': signerEthers,
  '@fabstir/node-sim': nodeSim,
  '@fabstir/conformance': conformance,
}

/** Every exported class whose instances are errors, as `package:name`. */
function exportedErrorClasses(): Map<string, new (...args: never[]) => Error> {
  const found = new Map<string, new (...args: never[]) => Error>()
  for (const [pkg, mod] of Object.entries(ENTRY_POINTS)) {
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === 'function' && value.prototype instanceof Error) {
        found.set(`${pkg}:${name}`, value as new (...args: never[]) => Error)
      }
    }
  }
  return found
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : []
  })
}

describe('one error model', () => {
  it('every exported error class of every package is FabstirBaseError or a subclass of it', () => {
    const classes = exportedErrorClasses()
    const names = [...classes.keys()]
    // The enumeration finds the classes it must (it cannot pass by finding nothing).
    for (const expected of [
      '@fabstir/wire:FabstirBaseError',
      '@fabstir/wire:FabstirError',
      '@fabstir/wire:WireJsonError',
      '@fabstir/crypto:CryptoError',
      '@fabstir/protocol:SignerError',
      '@fabstir/signer-viem:SignerError',
      '@fabstir/signer-ethers:SignerError',
      '@fabstir/transport-ws:FabstirError',
      '@fabstir/node-sim:NodeSimError',
      '@fabstir/node-sim:JsonSyntaxError',
      '@fabstir/node-sim:ResponderStartError',
      '@fabstir/node-sim:UpstreamError',
      '@fabstir/conformance:CaseFailure',
      '@fabstir/conformance:NotServed',
      '@fabstir/conformance:Inconclusive',
      '@fabstir/conformance:TargetError',
      '@fabstir/conformance:UsageError',
    ]) {
      expect(names).toContain(expected)
    }
    for (const [name, cls] of classes) {
      expect(cls === wire.FabstirBaseError || cls.prototype instanceof wire.FabstirBaseError, name).toBe(true)
    }
  })

  it('the re-exports are the same class, and subclasses keep their names and guards', () => {
    expect(protocol.FabstirError).toBe(wire.FabstirError)
    expect(transportWs.FabstirError).toBe(wire.FabstirError)
    expect(signerViem.SignerError).toBe(protocol.SignerError)
    const c = new crypto.CryptoError('INVALID_HEX', 'bad hex')
    expect(c.name).toBe('CryptoError')
    expect(crypto.isCryptoError(c, 'INVALID_HEX')).toBe(true)
    expect(wire.isFabstirBaseError(c, 'INVALID_HEX')).toBe(true)
    // A package error is not a session error: protocol code that passes session errors through still wraps it.
    expect(wire.isFabstirError(c)).toBe(false)
    const s = new protocol.SignerError('SIGNER_MISMATCH', 'wrong key', { context: { expected: '0xa' } })
    expect(s.name).toBe('SignerError')
    expect(s.retryable).toBe(false)
    expect(s.details).toEqual({ expected: '0xa' })
    expect(s.context).toBe(s.details)
    expect(protocol.isSignerError(s, 'SIGNER_MISMATCH')).toBe(true)
    const n = new nodeSim.NodeSimError('INVALID_OPTION', 'port', { option: 'port' })
    expect(n.context).toEqual({ option: 'port' })
    expect(nodeSim.isNodeSimError(n, 'INVALID_OPTION')).toBe(true)
    expect(new conformance.CaseFailure('expected x').code).toBe('CASE_FAILED')
    expect(new conformance.NotServed('no image sidecar').code).toBe('NOT_SERVED')
    expect(new conformance.UsageError('--port').code).toBe('INVALID_ARGUMENTS')
  })

  it('a signer error inside a session error is found with walk()', () => {
    const signer = new protocol.SignerError('SIGNING_FAILED', 'wallet locked', { cause: new Error('locked') })
    const session = new protocol.FabstirError('SIGNER_FAILED', 'the wallet failed', { cause: signer })
    expect(session.walk((e) => protocol.isSignerError(e))).toBe(signer)
    expect((session.walk() as Error).message).toBe('locked')
  })

  it('no source file of any package defines an error class outside the model or throws a plain Error', () => {
    const offenders: string[] = []
    for (const pkg of readdirSync(join(repoRoot, 'packages'))) {
      const src = join(repoRoot, 'packages', pkg, 'src')
      for (const file of sourceFiles(src)) {
        const text = readFileSync(file, 'utf8')
        const where = relative(repoRoot, file)
        for (const m of text.matchAll(
          /class\s+(\w+)\s+extends\s+(Error|TypeError|RangeError|SyntaxError)\b/g,
        )) {
          if (!(where === 'packages/wire/src/errors.ts' && m[1] === 'FabstirBaseError'))
            offenders.push(`${where}: class ${m[1]}`)
        }
        for (const m of text.matchAll(/throw new (Error|TypeError|RangeError|SyntaxError)\(/g)) {
          if (KNOWN_PLAIN_THROWS[where] === undefined)
            offenders.push(`${where}: throw new ${m[1]} at ${m.index}`)
        }
      }
    }
    expect(offenders).toEqual([])
  })
})
