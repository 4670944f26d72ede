// Which desktop the window runs on, as a `data-platform` attribute on the root element, for the
// few styles that differ per platform (the UI fonts, app.css). Read from the web view's user
// agent: WebKitGTK says "Linux", WebKit on macOS "Macintosh", WebView2 "Windows".
export type Platform = "linux" | "macos" | "windows" | "other";

export function platformOf(userAgent: string): Platform {
  if (/\bAndroid\b/.test(userAgent)) return "other";
  if (/\bLinux\b/.test(userAgent)) return "linux";
  if (/\bMacintosh\b|\bMac OS X\b/.test(userAgent)) return "macos";
  if (/\bWindows\b/.test(userAgent)) return "windows";
  return "other";
}

export function markPlatform(root: HTMLElement, userAgent: string): Platform {
  const platform = platformOf(userAgent);
  root.dataset.platform = platform;
  return platform;
}
