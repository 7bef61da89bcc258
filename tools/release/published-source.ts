/**
 * Inside this repository the release examples import the workspace packages by relative path (the `@fabstir/tools`
 * package does not depend on them). Published docs show the same code with the package names users import.
 */
const WORKSPACE_IMPORT = /(['"])(?:\.\.\/)+packages\/([a-z0-9-]+)\/dist\/index\.js\1/g

/** `source` with every `'../…/packages/<name>/dist/index.js'` import specifier replaced by `'@fabstir/<name>'`. */
export function publishedSource(source: string): string {
  return source.replace(
    WORKSPACE_IMPORT,
    (_match, quote: string, name: string) => `${quote}@fabstir/${name}${quote}`,
  )
}
