import { writeFileSync } from 'node:fs'
import { build } from 'esbuild'

for (const minify of [true, false]) {
  const r = await build({
    entryPoints: ['scripts/size-entry.ts'],
    bundle: true,
    write: false,
    outfile: 'b.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify,
    logLevel: 'silent',
  })
  writeFileSync(minify ? '/tmp/i13-bundle.min.js' : '/tmp/i13-bundle.js', r.outputFiles[0].text)
}
