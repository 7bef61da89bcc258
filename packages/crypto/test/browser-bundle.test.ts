import { existsSync, readFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findRepoRoot } from './helpers/vectors.js'

// Browser bundles must never pull in the Node backend (`node:crypto`). The package selects its default backend
// through the package.json "imports" entry `#default-backend`: `node` → node-default, anything else → noble-default.
// Checked three ways: the package.json conditions, a static walk of the import graph (sources and built files),
// and a real esbuild bundle for platform "browser" when esbuild is installed in the workspace.

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>
  imports: Record<string, Record<string, string>>
}
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

type Condition = 'node' | 'browser'

/** Resolve a package-internal `#…` import the way a runtime with `condition` does (first matching key wins). */
function resolveInternal(specifier: string, condition: Condition): string {
  const entry = pkg.imports[specifier]
  if (!entry) throw new Error(`package.json has no imports entry for ${specifier}`)
  for (const [key, target] of Object.entries(entry)) {
    if (key === 'default' || key === condition) return target
  }
  throw new Error(`no ${condition} target for ${specifier}`)
}

const RUNTIME_IMPORT =
  /(?:^|\n)\s*(?:import(?!\s+type\b)[^'"]*?from\s*|export(?!\s+type\b)[^'"]*?from\s*|import\s*)['"]([^'"]+)['"]/g

/**
 * Walk the runtime import graph from `entry` (a file under src/ or dist/), resolving `#default-backend` for
 * `condition`. Returns the package files reached (relative paths) and every external specifier imported.
 */
function walk(entry: string, condition: Condition): { files: string[]; externals: Set<string> } {
  const fromSource = entry.endsWith('.ts')
  const seen = new Set<string>()
  const externals = new Set<string>()
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    for (const match of readFileSync(file, 'utf8').matchAll(RUNTIME_IMPORT)) {
      const specifier = match[1]!
      let target: string
      if (specifier.startsWith('.')) {
        target = resolve(dirname(file), specifier)
      } else if (specifier.startsWith('#')) {
        target = resolve(PACKAGE_DIR, resolveInternal(specifier, condition))
        if (fromSource) target = target.replace(`${join(PACKAGE_DIR, 'dist')}`, join(PACKAGE_DIR, 'src'))
      } else {
        externals.add(specifier)
        continue
      }
      queue.push(fromSource ? target.replace(/\.js$/, '.ts') : target)
    }
  }
  return { files: [...seen].map((f) => relative(PACKAGE_DIR, f)).sort(), externals }
}

function nodeBuiltinsIn(externals: Set<string>): string[] {
  return [...externals].filter((s) => NODE_BUILTINS.has(s))
}

describe('package.json conditions', () => {
  it('#default-backend: node → node-default, everything else → noble-default', () => {
    expect(pkg.imports['#default-backend']).toEqual({
      node: './dist/backend/node-default.js',
      default: './dist/backend/noble-default.js',
    })
    expect(Object.keys(pkg.imports['#default-backend']!).at(-1)).toBe('default')
  })

  it('the ./node entry exists under the node condition only (browsers cannot resolve it)', () => {
    expect(pkg.exports['./node']).toEqual({ types: './dist/node.d.ts', node: './dist/node.js' })
  })
})

describe('import graph of the sources', () => {
  const entry = join(PACKAGE_DIR, 'src', 'index.ts')

  it('under the browser condition: no Node built-in and no Node backend is reachable', () => {
    const { files, externals } = walk(entry, 'browser')
    expect(files).toContain('src/backend/noble-default.ts')
    expect(files).not.toContain('src/backend/node-default.ts')
    expect(files).not.toContain('src/backend/node.ts')
    expect(nodeBuiltinsIn(externals)).toEqual([])
    // @noble/* and @fabstir/wire (the error base class; no dependencies, no Node built-ins) only.
    expect([...externals].every((s) => s.startsWith('@noble/') || s === '@fabstir/wire')).toBe(true)
  })

  it('under the node condition the Node backend and node:crypto are reachable (the walk sees them)', () => {
    const { files, externals } = walk(entry, 'node')
    expect(files).toContain('src/backend/node.ts')
    expect(nodeBuiltinsIn(externals)).toEqual(['node:crypto'])
  })
})

const DIST_INDEX = join(PACKAGE_DIR, 'dist', 'index.js')
const builtAndCurrent = existsSync(join(PACKAGE_DIR, 'dist', 'backend', 'noble-default.js'))
const describeDist = builtAndCurrent ? describe : describe.skip
if (!builtAndCurrent)
  console.warn('[skip] dist checks: dist/ is not built (run pnpm --filter @fabstir/crypto build)')

/** The part of esbuild's API used here (esbuild is not a dependency of this package, so no types). */
interface Esbuild {
  buildSync(options: Record<string, unknown>): {
    metafile?: { inputs: Record<string, unknown> }
    outputFiles: Array<{ text: string }>
  }
}

/** esbuild from the workspace (examples/web-chat depends on it), or undefined when it is not installed. */
function loadEsbuild(): Esbuild | undefined {
  try {
    return createRequire(join(findRepoRoot(), 'examples', 'web-chat', 'package.json'))('esbuild')
  } catch {
    return undefined
  }
}
const esbuild = loadEsbuild()
const describeEsbuild = builtAndCurrent && esbuild ? describe : describe.skip
if (!esbuild) console.warn('[skip] esbuild bundle checks: esbuild is not installed in examples/web-chat')

describeDist('import graph of the built package (dist/)', () => {
  it('under the browser condition: no Node built-in is reachable from dist/index.js', () => {
    const { files, externals } = walk(DIST_INDEX, 'browser')
    expect(files).toContain('dist/backend/noble-default.js')
    expect(files).not.toContain('dist/backend/node.js')
    expect(nodeBuiltinsIn(externals)).toEqual([])
  })

  it('under the node condition: dist/index.js reaches node:crypto through node-default', () => {
    const { files, externals } = walk(DIST_INDEX, 'node')
    expect(files).toContain('dist/backend/node-default.js')
    expect(nodeBuiltinsIn(externals)).toEqual(['node:crypto'])
  })
})

describeEsbuild('esbuild bundle of dist/index.js', () => {
  function bundle(platform: 'browser' | 'node') {
    const result = esbuild!.buildSync({
      entryPoints: [DIST_INDEX],
      bundle: true,
      platform,
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    return { inputs: Object.keys(result.metafile!.inputs), text: result.outputFiles[0]!.text }
  }

  it('for platform browser contains the noble backend and nothing of the Node backend', () => {
    const { inputs, text } = bundle('browser')
    expect(inputs.some((i) => i.endsWith('dist/backend/noble-default.js'))).toBe(true)
    expect(inputs.some((i) => i.endsWith('dist/backend/node.js') || i.endsWith('node-default.js'))).toBe(
      false,
    )
    expect(text).not.toMatch(/node:crypto|createCipheriv|createECDH/)
  })

  it('for platform node contains the Node backend (so the browser check above can fail)', () => {
    const { inputs, text } = bundle('node')
    expect(inputs.some((i) => i.endsWith('dist/backend/node.js'))).toBe(true)
    expect(text).toMatch(/createCipheriv/)
  })
})
