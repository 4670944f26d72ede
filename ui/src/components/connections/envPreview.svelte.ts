// The `CUSTOM_API_…` variable a connection name would get, asked of the core as the name is
// typed (the core's rule is the only one; a stale answer for an older name is dropped).
import { envNameFor } from "../../lib/ipc";

export function envPreview(name: () => string): { readonly current: string | undefined } {
  let current = $state<string | undefined>(undefined);
  $effect(() => {
    const asked = name();
    envNameFor(asked).then(
      (v) => {
        if (asked === name()) current = v ?? undefined;
      },
      () => (current = undefined),
    );
  });
  return {
    get current() {
      return current;
    },
  };
}
