// Catalog search: every whitespace-separated term must appear (case-insensitively) in a type's
// display name, slug, description, base URL or auth labels. Pure, so it is tested without a DOM.
import type { TypeSummary } from "../bindings";
import { AUTH_LABELS } from "./labels";

function haystack(t: TypeSummary): string {
  const auth = t.auth_types.map((a) => `${a} ${AUTH_LABELS[a]}`).join(" ");
  const flags = `${t.has_oauth ? "oauth" : ""} ${t.is_mcp ? "mcp" : ""} ${t.origin}`;
  return `${t.display_name} ${t.slug} ${t.description} ${t.base_url} ${auth} ${flags}`.toLowerCase();
}

export function filterTypes(types: TypeSummary[], query: string): TypeSummary[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return types;
  return types.filter((t) => {
    const text = haystack(t);
    return terms.every((term) => text.includes(term));
  });
}
