// The state of one IPC call as the views see it: still loading, a value, or the error's text.
import { errorText } from "./ipc";

export type Loaded<T> =
  | { state: "loading" }
  | { state: "ok"; value: T }
  | { state: "error"; message: string };

export async function load<T>(call: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { state: "ok", value: await call() };
  } catch (error) {
    return { state: "error", message: errorText(error) };
  }
}
