/// <reference types="vitest/config" />
// Vite builds the UI into ui/dist, which the Tauri shell embeds (frontendDist in tauri.conf.json).
// The same file configures Vitest: component tests run in jsdom with the IPC module mocked.
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  // Relative asset URLs: the page is served from Tauri's custom protocol, not from a web root.
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.40+ (Debian 12) and the other platforms' current web views.
    target: "es2022",
    // No inlined assets: everything is a file, which the strict CSP (`'self'`) allows.
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.ts"],
  },
});
