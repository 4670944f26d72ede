// Catalog search: every whitespace-separated term must appear (case-insensitively) in a type's
// display name, slug, description, base URL or auth labels. Pure, so it is tested without a DOM.
// Each type's search text is built once and cached per object, so typing into a catalog of
// 10,000 types only runs `includes` over cached strings.
import type { TypeSummary } from "../bindings";
import { AUTH_LABELS } from "./labels";

const cache = new WeakMap<TypeSummary, string>();

function haystack(t: TypeSummary): string {
  const cached = cache.get(t);
  if (cached !== undefined) return cached;
  const auth = t.auth_types.map((a) => `${a} ${AUTH_LABELS[a]}`).join(" ");
  const flags = `${t.has_oauth ? "oauth" : ""} ${t.is_mcp ? "mcp" : ""} ${t.origin}`;
  const text = `${t.display_name} ${t.slug} ${t.description} ${t.base_url} ${auth} ${flags}`.toLowerCase();
  cache.set(t, text);
  return text;
}

export function filterTypes(types: TypeSummary[], query: string): TypeSummary[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return types;
  return types.filter((t) => {
    const text = haystack(t);
    return terms.every((term) => text.includes(term));
  });
}
