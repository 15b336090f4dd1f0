/** Serves the web UI: built in memory from ui/ in development, embedded in the compiled binary. */
import { Elysia } from "elysia";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** path ("/assets/staff.js") → content and type. */
export type UiAssets = Record<string, { body: string; type: string }>;

/** The UI's entry points: one page each (staff app; kiosk and portal come with their issues). */
export const UI_ENTRIES = [{ name: "staff", html: "/", title: "Guichet" }];

const ROOT = join(import.meta.dir, "../../../ui");

function page(title: string, script: string, css: string) {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${css}"></head>
<body><div id="app"></div><script type="module" src="${script}"></script></body></html>`;
}

/** Bundles every entry with Bun.build (minified) and returns the asset map. */
export async function buildUiAssets(opts: { minify?: boolean } = {}): Promise<UiAssets> {
  const assets: UiAssets = {};
  for (const e of UI_ENTRIES) {
    const entry = join(ROOT, e.name, "main.ts");
    if (!existsSync(entry)) throw new Error(`Entrée d'interface introuvable : ${entry}`);
    const out = await Bun.build({ entrypoints: [entry], minify: opts.minify ?? true, target: "browser", format: "esm" });
    if (!out.success) throw new Error("Échec de la construction de l'interface :\n" + out.logs.map(String).join("\n"));
    const js = await out.outputs.find((o) => o.kind === "entry-point")!.text();
    const cssFile = join(ROOT, e.name, "style.css");
    const base = join(ROOT, "lib", "base.css");
    const css = (existsSync(base) ? await Bun.file(base).text() : "") + "\n" + (existsSync(cssFile) ? await Bun.file(cssFile).text() : "");
    const v = Bun.hash(js + css).toString(36);
    assets[`/assets/${e.name}.js`] = { body: js, type: "text/javascript; charset=utf-8" };
    assets[`/assets/${e.name}.css`] = { body: css, type: "text/css; charset=utf-8" };
    assets[e.html] = { body: page(e.title, `/assets/${e.name}.js?v=${v}`, `/assets/${e.name}.css?v=${v}`), type: "text/html; charset=utf-8" };
  }
  return assets;
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; frame-ancestors 'none'",
};

/** Routes serving the assets; unknown non-API paths fall back to the staff page (hash router). */
export function uiRoutes(assets: UiAssets) {
  const serve = (path: string) => {
    const a = assets[path];
    if (!a) return null;
    return new Response(a.body, {
      headers: { "content-type": a.type, "cache-control": path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache", ...SECURITY_HEADERS },
    });
  };
  return new Elysia({ name: "ui" })
    .get("/", () => serve("/")!, { detail: { hide: true } })
    .get("/assets/*", ({ path }) => serve(path) ?? new Response("Introuvable", { status: 404 }), { detail: { hide: true } });
}
