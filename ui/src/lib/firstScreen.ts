// The catalog the desktop shell put into the page before its scripts ran (an initialization
// script from patchbay_core::desktop::FirstScreen), for the window's first frame. Absent for
// large catalogs, when the core could not list it, and outside the app (tests, a browser).
import type { TypeSummary } from "../bindings";

/** The page-global FirstScreen defines (FIRST_SCREEN_GLOBAL in the core). */
export const FIRST_SCREEN_GLOBAL = "__PATCHBAY_FIRST_TYPES__";

export function injectedTypes(page: object): TypeSummary[] | undefined {
  const value = (page as Record<string, unknown>)[FIRST_SCREEN_GLOBAL];
  return Array.isArray(value) ? (value as TypeSummary[]) : undefined;
}
