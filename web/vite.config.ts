import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** The staff web app: built into web/dist and served by the service at /app. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
