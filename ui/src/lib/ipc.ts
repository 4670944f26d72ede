// The only place the UI talks to the Rust core. Every command is typed with the bindings
// generated from the Rust types (ui/src/bindings, `make bindings`), and component tests mock
// this module instead of Tauri. Commands reject with the core's error text (a string).
import { invoke } from "@tauri-apps/api/core";
import type { Connection, TypeSummary, VaultStatus } from "../bindings";

/** The catalog: one summary per integration type, ordered by slug. */
export function listTypes(): Promise<TypeSummary[]> {
  return invoke<TypeSummary[]>("list_types");
}

/** Every connection; secret values never cross IPC, only their keys. */
export function listConnections(): Promise<Connection[]> {
  return invoke<Connection[]>("list_connections");
}

/** How the vault protects secrets, with a warning when the protection is weak. */
export function vaultStatus(): Promise<VaultStatus> {
  return invoke<VaultStatus>("vault_status");
}

/** The text to show for a rejected command (the core sends a string; anything else is a bug). */
export function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  if (error instanceof Error) return error.message;
  return String(error);
}
