import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { transformSync } from 'esbuild'

for (const f of process.argv.slice(2)) {
  const code = transformSync(readFileSync(f, 'utf8'), { minify: true, format: 'esm' }).code
  console.log(
    String(gzipSync(code, { level: 9 }).length).padStart(6),
    String(code.length).padStart(7),
    f.replace(/.*\/packages\//, ''),
  )
}
