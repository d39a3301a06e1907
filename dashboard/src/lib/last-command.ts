import { createResource, type Resource } from "solid-js";
import { enc, get } from "../api/client.ts";
import type { CommandRecord } from "../api/types.ts";

const cache = new Map<string, Promise<CommandRecord | null>>();

/**
 * The last command of a session, fetched from its history only when its version changes (command
 * count and busy/idle, which the list polls anyway), so 100 sessions do not mean 100 requests
 * every few seconds.
 */
export function lastCommand(name: () => string, version: () => string | undefined): Resource<CommandRecord | null> {
  const [r] = createResource(
    () => (version() ? `${name()}\u0000${version()}` : false),
    (key) => {
      let p = cache.get(key);
      if (!p) {
        p = get<CommandRecord[]>(`/api/sessions/${enc(name())}/history`)
          .then((h) => h.at(-1) ?? null)
          .catch(() => null);
        cache.set(key, p);
        if (cache.size > 2000) cache.delete(cache.keys().next().value!);
      }
      return p;
    },
  );
  return r;
}
