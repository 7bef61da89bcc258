/** Shared vitest settings for every package (see vitest.shared.mjs). */
export function packageTestConfig(overrides?: Record<string, unknown>): { test: Record<string, unknown> }
