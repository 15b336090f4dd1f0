/** Hash router: `#/chemin/:param`; the current path is a signal so views re-render on navigation. */
import { signal } from "@preact/signals";

function readHash() {
  const h = location.hash.replace(/^#/, "");
  const path = h.split("?")[0] || "/";
  return path.startsWith("/") ? path : "/" + path;
}

/** The current path inside the hash, always starting with "/". */
export const currentPath = signal(readHash());

window.addEventListener("hashchange", () => {
  currentPath.value = readHash();
  // Keyboard and screen-reader users land on the new page's content, not on the last clicked link.
  requestAnimationFrame(() => document.getElementById("contenu")?.focus({ preventScroll: false }));
});

/** Goes to a path (adds a history entry); `replace` swaps the current entry instead. */
export function navigate(path: string, opts: { replace?: boolean } = {}) {
  const target = "#" + (path.startsWith("/") ? path : "/" + path);
  if (location.hash === target) return;
  // Both forms fire "hashchange", which updates currentPath and moves the focus.
  if (opts.replace) location.replace(target);
  else location.hash = target;
}

/** Matches "/users/:id" against "/users/42" → { id: "42" }, or null. Params are URI-decoded. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = s[i]!;
    if (a.startsWith(":")) {
      try {
        params[a.slice(1)] = decodeURIComponent(b);
      } catch {
        return null;
      }
    } else if (a !== b) return null;
  }
  return params;
}

/** A route table entry: a pattern and what to render with its params. */
export interface Route<V> {
  path: string;
  view: V;
}

/** The first route whose pattern matches the path, with its params. */
export function resolve<V>(routes: Route<V>[], path: string): { route: Route<V>; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

/** True when `path` is `prefix` or below it (for highlighting the navigation entry). */
export function isUnder(path: string, prefix: string) {
  if (prefix === "/") return path === "/";
  return path === prefix || path.startsWith(prefix + "/");
}

/** Builds the href of a hash route (for <a href>). */
export function href(path: string) {
  return "#" + (path.startsWith("/") ? path : "/" + path);
}
