import type { KeyValueStore } from "../../src/core/ports/store.js";

/**
 * A store that runs `before(operation, key)` ahead of each call and then delegates to `inner`: tests use it
 * to fail writes like a full disk, or to let other work run in between like a slow backend.
 */
export function interceptStore(
  inner: KeyValueStore,
  before: (operation: keyof KeyValueStore, key: string) => void | Promise<void>,
  overrides: Partial<KeyValueStore> = {},
): KeyValueStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop in overrides) return overrides[prop as keyof KeyValueStore];
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || prop === "dump")
        return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        await before(prop as keyof KeyValueStore, String(args[0]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
