// The app's views, chosen in the sidebar.
export type View = "catalog" | "connections";
