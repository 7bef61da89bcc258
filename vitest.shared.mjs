// Shared vitest settings for every package: tests live in test/, results are written as JSON so that the
// root test command can print one summary line for the whole monorepo.
export function packageTestConfig(overrides = {}) {
  return {
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 20_000,
      hookTimeout: 20_000,
      reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
      ...overrides,
    },
  }
}
