// The app's views, chosen in the sidebar (the type editor opens from the catalog).
export type View = "catalog" | "editor" | "connections" | "tester" | "sharing";

/** The sidebar's entries, in order, with their keyboard shortcuts (Alt+1…). */
export const NAV_VIEWS: { id: View; label: string }[] = [
  { id: "catalog", label: "Catalog" },
  { id: "connections", label: "Connections" },
  { id: "tester", label: "Test request" },
  { id: "sharing", label: "Import / export" },
];
