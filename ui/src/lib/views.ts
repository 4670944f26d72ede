// The views the window does not open on, loaded on demand: the catalog is what the first paint
// shows, so the editor, the tester, import/export, connections and the connect dialog are
// separate chunks (Vite splits at each `import()`), fetched once the catalog is up and cached
// by the module system after that. Keeps the start-up script small (see docs/BENCHMARKS.md).
export const lazyViews = {
  editor: () => import("../components/editor/TypeEditor.svelte"),
  tester: () => import("../components/tester/Tester.svelte"),
  sharing: () => import("../components/sharing/Sharing.svelte"),
  connections: () => import("../components/Connections.svelte"),
  connect: () => import("../components/connections/ConnectDialog.svelte"),
};

/** Starts loading every lazy view in the background (after the first paint); resolves once
 *  all are loaded (a view that fails to load here is tried again when it is opened). */
export async function preloadViews(): Promise<void> {
  await Promise.allSettled(Object.values(lazyViews).map((load) => load()));
}
