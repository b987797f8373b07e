import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The build lands inside the Python package so `albumen serve` ships it; hashed files go under
// /_app/immutable/ so the server can cache them forever and index.html stays no-cache.
export default defineConfig({
  plugins: [svelte()],
  base: '/',
  build: {
    outDir: '../albumen/web_dist',
    emptyOutDir: true,
    assetsDir: '_app/immutable',
    chunkSizeWarningLimit: 1200,
    target: 'es2022',
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: process.env.ALBUMEN_URL ?? 'http://127.0.0.1:2400', changeOrigin: true },
      '/.well-known': { target: process.env.ALBUMEN_URL ?? 'http://127.0.0.1:2400', changeOrigin: true },
    },
  },
});
