import { defineConfig } from 'vite'

/**
 * Static build for strict CSP: relative asset paths, no inline scripts or styles, no `data:` assets, no
 * modulepreload polyfill. Browser conditions select `@fabstir/transport-ws`'s native-WebSocket socket factory.
 */
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
})
