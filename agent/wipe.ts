/** End-of-session wipe: empties the configured folders and removes the browser profile, reporting what failed. */
import { existsSync, readdirSync, rmSync, lstatSync } from "node:fs";
import { join } from "node:path";

/** How a wipe went: entries removed and the errors met (the next patron must not see the previous one's files). */
export interface WipeResult {
  ok: boolean;
  removed: number;
  errors: string[];
}

/** Removes everything inside each folder (the folders stay, so that desktop shortcuts keep working). */
export function wipe(dirs: string[], browserProfile: string | null): WipeResult {
  const out: WipeResult = { ok: true, removed: 0, errors: [] };
  const rm = (p: string) => {
    try {
      // force + recursive; lstat so that a symlink is removed, never followed out of the folder.
      lstatSync(p);
      rmSync(p, { recursive: true, force: true, maxRetries: 3 });
      out.removed++;
    } catch (e) {
      out.ok = false;
      out.errors.push(`${p} : ${(e as Error).message}`.slice(0, 300));
    }
  };
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch (e) {
      out.ok = false;
      out.errors.push(`${d} : ${(e as Error).message}`.slice(0, 300));
      continue;
    }
    for (const name of entries) rm(join(d, name));
  }
  // The browser recreates its profile at next start: remove the whole folder (history, cookies, passwords).
  if (browserProfile && existsSync(browserProfile)) rm(browserProfile);
  out.errors = out.errors.slice(0, 20);
  return out;
}
