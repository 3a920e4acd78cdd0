import { defineConfig } from 'vite';

// Built into the gateway's wwwroot; `npm run dev` proxies the API to a running `./hub up`.
export default defineConfig({
  build: {
    outDir: '../Gateway/wwwroot',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://localhost:5100' },
  },
});
