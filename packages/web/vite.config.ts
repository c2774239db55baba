import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';

// Packages resolve each other's TypeScript sources through the `cardwarden-source` export condition.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['cardwarden-source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 700,
  },
});
