// The unlock prompt with the IPC module mocked: a wrong passphrase is refused and asked again,
// the right one unlocks; the input never keeps what was typed.
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../../lib/ipc";
import VaultUnlock from "./VaultUnlock.svelte";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  unlockVault: vi.fn(),
}));

const mocked = vi.mocked(ipc);

beforeEach(() => {
  vi.clearAllMocks();
});

describe("vault unlock", () => {
  it("shows the core's error for a wrong passphrase and clears the input", async () => {
    const user = userEvent.setup();
    mocked.unlockVault.mockRejectedValue({ message: "wrong passphrase", problems: [], dependents: [] });
    const onunlocked = vi.fn();
    render(VaultUnlock, { onunlocked });

    const input = screen.getByTestId("vault-passphrase");
    expect(input).toHaveAttribute("type", "password");
    expect(input).toHaveAttribute("autocomplete", "off");
    expect(screen.getByLabelText("Vault passphrase")).toBe(input);
    await user.type(input, "not-it");
    await user.click(screen.getByTestId("vault-unlock-submit"));

    expect(mocked.unlockVault).toHaveBeenCalledWith("not-it");
    expect(await screen.findByTestId("vault-unlock-error")).toHaveTextContent("wrong passphrase");
    expect(input).toHaveValue("");
    expect(onunlocked).not.toHaveBeenCalled();
  });

  it("unlocks with the right passphrase", async () => {
    const user = userEvent.setup();
    mocked.unlockVault.mockResolvedValue(null);
    const onunlocked = vi.fn();
    render(VaultUnlock, { onunlocked });

    const input = screen.getByTestId("vault-passphrase");
    await user.type(input, "correct horse{Enter}");

    expect(mocked.unlockVault).toHaveBeenCalledWith("correct horse");
    expect(onunlocked).toHaveBeenCalledTimes(1);
    expect(input).toHaveValue("");
    expect(screen.queryByTestId("vault-unlock-error")).toBeNull();
  });
});
