import type { PlatformRuntime } from "../core/ports/platform.js";
import type { Runtime } from "./runtime.js";

/**
 * The runtime as a platform adapter sees it (the `PlatformRuntime` port). Calls go to the runtime's
 * engine when made, so a test that wraps `engine.handle` sees the adapter's events.
 */
export function platformRuntime(runtime: Runtime): PlatformRuntime {
  const { engine, services, store } = runtime;
  return {
    handle: (event) => engine.handle(event),
    setExecutor: (platform, executor) => engine.setExecutor(platform, executor),
    commands: () => engine.commandList(),
    communities: services.directory.communities,
    store,
    members: services.members,
    languageOf: (account) => engine.languageOf(account),
  };
}
