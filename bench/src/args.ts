import { parseArgs } from 'node:util'
import type { CryptoBackendName } from '@fabstir/crypto'

/** The suites `--only` can select, in run order. */
export const SUITE_IDS = ['1', '2', '3', '4', '5', '6', 'heap'] as const
const BACKENDS: readonly CryptoBackendName[] = ['node', 'noble']

export const USAGE = `usage: pnpm bench [--quick] [--only=ID,…] [--backend=node|noble]
  --quick           short, noisier run
  --only=ID,…       selected suites (1 prompt, 2 chunk, 3 bulk, 4 init, 5 loopback, 6 memory, heap)
  --backend=NAME    run everything on a forced crypto backend (node or noble)`

/** What `pnpm bench` was asked to do. */
export interface BenchArgs {
  quick: boolean
  /** Suite ids to run; all when undefined. */
  only?: string[]
  backend?: CryptoBackendName
}

/**
 * Parses the bench command line (a leading `--`, as `pnpm run bench -- …` may pass on, is skipped); throws an Error
 * with a one-line message on anything it does not know.
 */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    strict: true,
    allowPositionals: false,
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, backend: { type: 'string' } },
  })
  const args: BenchArgs = { quick: values.quick === true }
  if (values.only !== undefined) {
    const only = values.only.split(',').map((id) => id.trim())
    const unknown = only.find((id) => !(SUITE_IDS as readonly string[]).includes(id))
    if (unknown !== undefined) throw new Error(`--only: unknown suite "${unknown}" (${SUITE_IDS.join(', ')})`)
    args.only = only
  }
  if (values.backend !== undefined) {
    const backend = BACKENDS.find((b) => b === values.backend)
    if (backend === undefined)
      throw new Error(`--backend must be ${BACKENDS.join(' or ')}, got "${values.backend}"`)
    args.backend = backend
  }
  return args
}
