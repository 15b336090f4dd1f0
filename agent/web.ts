/** The local lock-screen page and its small JSON API, on 127.0.0.1 only, for the kiosk's full-screen browser. */
import type { Server } from "bun";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { KioskView } from "./kiosk";
import { LinkError } from "./link";

/** path → body and content type (embedded in the compiled agent, built from ui/kiosk in development). */
export type KioskAssets = Record<string, { body: string; type: string }>;

const UI = join(import.meta.dir, "../ui/kiosk");

/** Bundles ui/kiosk (Preact + htm) in memory. */
export async function buildKioskAssets(): Promise<KioskAssets> {
  const out = await Bun.build({ entrypoints: [join(UI, "main.ts")], minify: true, target: "browser", format: "esm" });
  if (!out.success) throw new Error("Échec de la construction de l'écran de verrouillage :\n" + out.logs.map(String).join("\n"));
  const js = await out.outputs.find((o) => o.kind === "entry-point")!.text();
  // The shared base styles (palette, type) first, then the kiosk's own.
  const base = join(UI, "../lib/base.css");
  const css = (existsSync(base) ? await Bun.file(base).text() : "") + "\n" + (existsSync(join(UI, "style.css")) ? await Bun.file(join(UI, "style.css")).text() : "");
  const v = Bun.hash(js + css).toString(36);
  const html = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Guichet — poste public</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/kiosk.css?v=${v}"></head>
<body><div id="app"></div><script type="module" src="/assets/kiosk.js?v=${v}"></script></body></html>`;
  return {
    "/": { body: html, type: "text/html; charset=utf-8" },
    "/assets/kiosk.js": { body: js, type: "text/javascript; charset=utf-8" },
    "/assets/kiosk.css": { body: css, type: "text/css; charset=utf-8" },
  };
}

const HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  "cache-control": "no-store",
};

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { ...HEADERS, "content-type": "application/json; charset=utf-8" } });
const fail = (status: number, code: string, message: string) => json({ error: { code, message } }, status);

/** What the page drives: the running kiosk, or a placeholder while the kiosk is not enrolled yet. */
export interface KioskApi {
  view(): KioskView;
  openSession(code: string): Promise<KioskView>;
  endSession(reason: "logout"): Promise<void>;
  reportProblem(category: (typeof CATEGORIES)[number], text: string): void;
  dismissMessage(id: string): void;
}

const CATEGORIES = ["materiel", "logiciel", "internet", "imprimante", "autre"] as const;

/** Starts the page server; returns the Bun server (port 0 picks a free one). */
export function serveKioskPage(current: () => KioskApi, assets: KioskAssets, host: string, port: number): Server<undefined> {
  return Bun.serve({
    hostname: host,
    port,
    async fetch(req) {
      const url = new URL(req.url);
      const kiosk = current();
      // Another site open in the kiosk's browser must not drive this API: writes need a custom header (which
      // forces a CORS preflight we never answer) and a Host that is this machine (no DNS rebinding).
      const h = (req.headers.get("host") ?? "").replace(/:\d+$/, "");
      if (!["127.0.0.1", "localhost", "[::1]", host].includes(h)) return fail(421, "host", "Hôte non autorisé.");
      if (req.method === "GET") {
        if (url.pathname === "/api/state") return json(kiosk.view());
        const a = assets[url.pathname];
        return a ? new Response(a.body, { headers: { ...HEADERS, "content-type": a.type } }) : new Response("Introuvable", { status: 404, headers: HEADERS });
      }
      if (req.method !== "POST") return fail(405, "method", "Méthode non permise.");
      if (req.headers.get("x-guichet-kiosk") !== "1") return fail(403, "forbidden", "Requête refusée.");
      let body: any = {};
      try {
        body = (await req.json()) ?? {};
      } catch {
        body = {};
      }
      try {
        if (url.pathname === "/api/session") {
          const code = typeof body.code === "string" ? body.code.trim() : "";
          if (!code || code.length > 40) return fail(422, "invalid", "Saisissez le code inscrit sur votre ticket.");
          return json(await kiosk.openSession(code));
        }
        if (url.pathname === "/api/session/end") {
          await kiosk.endSession("logout");
          return json(kiosk.view());
        }
        if (url.pathname === "/api/problem") {
          const text = typeof body.text === "string" ? body.text.trim() : "";
          if (!CATEGORIES.includes(body.category)) return fail(422, "invalid", "Choisissez le type de problème.");
          if (!text || text.length > 2000) return fail(422, "invalid", "Décrivez le problème en quelques mots (2000 caractères au plus).");
          kiosk.reportProblem(body.category, text);
          return json({ ok: true });
        }
        const m = /^\/api\/messages\/([\w-]{1,64})\/dismiss$/.exec(url.pathname);
        if (m) {
          kiosk.dismissMessage(m[1]!);
          return json(kiosk.view());
        }
        return fail(404, "not_found", "Adresse inconnue.");
      } catch (e) {
        if (e instanceof LinkError) return fail(e.code === "too_many" ? 429 : e.code === "unreachable" ? 503 : 422, e.code, e.message);
        return fail(500, "internal", "Erreur interne de l'agent : adressez-vous à l'accueil.");
      }
    },
  });
}
