// Entry point: mounts the app into #app (ui/index.html).
//
// The window opens on the catalog, and it should be in the first frame WebKit paints: a page
// that paints a "Loading…" screen first pays the catalog's style and layout again in a second
// frame, and WebKitGTK's second frame comes late (~100 ms under Xvfb; docs/BENCHMARKS.md,
// "Desktop window"). So the app is mounted with the catalog already in hand: the one the shell
// injected into the page (lib/firstScreen.ts), else the core's answer to an IPC call made
// before anything is mounted — waited for no longer than FIRST_FRAME_WAIT_MS, so a slow core
// (a big or locked database) gets the loading screen instead of an empty window.
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import type { TypeSummary } from "./bindings";
import { injectedTypes } from "./lib/firstScreen";
import { listTypes } from "./lib/ipc";
import { load, type Loaded } from "./lib/loaded";
import { markPlatform } from "./lib/platform";

const FIRST_FRAME_WAIT_MS = 250;

markPlatform(document.documentElement, navigator.userAgent);

const injected = injectedTypes(window);
let firstTypes: Loaded<TypeSummary[]> | Promise<Loaded<TypeSummary[]>>;
if (injected) {
  firstTypes = { state: "ok", value: injected };
} else {
  const asked = load(listTypes);
  const arrived = await Promise.race([
    asked,
    new Promise<undefined>((resolve) => setTimeout(resolve, FIRST_FRAME_WAIT_MS)),
  ]);
  firstTypes = arrived ?? asked;
}

const app = mount(App, {
  target: document.getElementById("app")!,
  // The injected catalog was listed while the window started; the core is asked again once it
  // is on screen, in case it changed in between.
  props: { firstTypes, refreshTypes: injected !== undefined },
});

export default app;
