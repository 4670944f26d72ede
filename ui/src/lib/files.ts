// Native file dialogs (tauri-plugin-dialog). Kept in one module so component tests mock it, and
// so the window tests can answer the one OS surface WebDriver cannot drive (see tests/support).
import { open, save } from "@tauri-apps/plugin-dialog";

const importFilters = [
  { name: "Bundles, OpenAPI, Postman", extensions: ["json", "yaml", "yml"] },
  { name: "All files", extensions: ["*"] },
];

/** Asks for a file to import; `null` when the person cancels. */
export async function pickImportFile(): Promise<string | null> {
  const picked = await open({ multiple: false, directory: false, filters: importFilters });
  return typeof picked === "string" ? picked : null;
}

/** Asks where to save; `null` when the person cancels. */
export async function pickSavePath(defaultPath: string): Promise<string | null> {
  return (await save({ defaultPath })) ?? null;
}
