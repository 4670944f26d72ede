import { describe, expect, it } from "vitest";
import { TYPES } from "../test/fixtures";
import { FIRST_SCREEN_GLOBAL, injectedTypes } from "./firstScreen";

describe("injectedTypes", () => {
  it("reads the catalog the shell injected", () => {
    expect(injectedTypes({ [FIRST_SCREEN_GLOBAL]: TYPES })).toEqual(TYPES);
  });

  it("is absent when nothing (or something else) was injected", () => {
    expect(injectedTypes({})).toBeUndefined();
    expect(injectedTypes({ [FIRST_SCREEN_GLOBAL]: { state: "ok" } })).toBeUndefined();
  });
});
