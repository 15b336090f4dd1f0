/** /api/netboot: admin routes (images, defaults, workstations, candidates, status) and the public boot routes iPXE uses. */
import { Elysia, t } from "elysia";
import type { Deps } from "../../core/context";
import type { Rule } from "../../core/auth/roles";
import { authPlugin, declarePublic } from "../../core/http/auth-plugin";
import { DefaultSet, Enrol, HostCreate, HostPatch, Id, ImageCreate, ImagePatch, UploadParams, UploadQuery } from "./model";
import { createImage, deleteImage, listImages, updateImage, uploadImageChunk, imageView, getImage } from "./service/images";
import { createHost, deleteHost, listDefaults, listHosts, setDefault, updateHost } from "./service/hosts";
import { dismissCandidate, enrolCandidate, listCandidates } from "./service/candidates";
import { bootScript } from "./service/boot";
import { bootFileStatus, serveRootFile } from "./service/files";
import { netbootRoot } from "./service/common";
import { runtimeOf } from "./runtime";
import { PLAIN_HTTP_PATHS } from "../../core/http/server";

/** Netboot is the IT technician's job: admins, or members holding the itsm_technician module role. */
const TECH: Rule = { role: "admin", anyModuleRole: ["itsm_technician"] };
const tags = ["netboot"];

/** State of the daemons, for the netboot page. */
function status(deps: Deps) {
  const rt = runtimeOf(deps);
  const root = netbootRoot(deps.config);
  return {
    root,
    tftp: { port: deps.config.tftpPort, running: rt.tftp?.port != null, stats: rt.tftp?.stats ?? null },
    pxe: { interface: deps.config.pxe, running: !!rt.pxe?.announced, address: rt.pxe?.announced?.serverIp ?? null, httpBase: rt.pxe?.announced?.httpBase ?? null },
    bootFiles: bootFileStatus(root),
  };
}

// iPXE cannot log in: its script and the boot files are public (they hold boot facts only).
declarePublic("GET", /^\/api\/netboot\/(boot|root)\//);
declarePublic("HEAD", /^\/api\/netboot\/root\//);
// With HTTPS on, the plain port keeps serving them instead of redirecting (iPXE ROMs have no HTTPS).
PLAIN_HTTP_PATHS.push(/^\/api\/netboot\/(boot|root)\//);

export function netbootRoutes(deps: Deps) {
  return (
    new Elysia({ name: "net-netboot", prefix: "/api/netboot" })
      .use(authPlugin(deps))
      // Public: iPXE cannot log in. The script names an image and URLs, nothing about people.
      .get(
        "/boot/:mac",
        ({ params, request, set }) => {
          set.headers["content-type"] = "text/plain; charset=utf-8";
          return bootScript(deps, params.mac, new URL(request.url).origin);
        },
        { params: t.Object({ mac: t.String({ maxLength: 40 }) }), detail: { summary: "Script iPXE d'un poste (public, par adresse MAC)", tags } },
      )
      .get("/root/*", ({ params, request }) => serveRootFile(netbootRoot(deps.config), params["*"], request), {
        detail: { summary: "Fichiers de démarrage (binaires iPXE, noyaux, initrd) avec requêtes partielles (Range)", tags },
      })
      .get("/status", ({ auth }) => (auth.ctx(TECH), status(deps)), { detail: { summary: "État du TFTP et du proxy-DHCP", tags } })
      .get("/images", ({ auth }) => listImages(auth.ctx(TECH)), { detail: { summary: "Images de démarrage", tags } })
      .post("/images", ({ auth, body }) => createImage(auth.ctx(TECH), body), { body: ImageCreate, detail: { summary: "Déclarer une version d'image", tags } })
      .get("/images/:id", ({ auth, params }) => imageView(getImage(auth.ctx(TECH), params.id)), { params: Id, detail: { summary: "Une image", tags } })
      .patch("/images/:id", ({ auth, params, body }) => updateImage(auth.ctx(TECH), params.id, body), { params: Id, body: ImagePatch, detail: { summary: "Modifier une image", tags } })
      .delete("/images/:id", ({ auth, params }) => (deleteImage(auth.ctx(TECH), params.id), { ok: true }), { params: Id, detail: { summary: "Supprimer une image inutilisée", tags } })
      .put("/images/:id/:file", ({ auth, params, query, request }) => uploadImageChunk(auth.ctx(TECH), params.id, params.file, { offset: query.offset ?? 0, total: query.total }, request.body), {
        params: UploadParams,
        query: UploadQuery,
        parse: "none",
        detail: { summary: "Envoyer le noyau ou l'initrd (corps brut, par morceaux de 64 Mio au plus : ?offset=…&total=…)", tags },
      })
      .get("/defaults", ({ auth }) => listDefaults(auth.ctx(TECH)), { detail: { summary: "Image par défaut de chaque groupe de postes", tags } })
      .put("/defaults", ({ auth, body }) => setDefault(auth.ctx(TECH), body), { body: DefaultSet, detail: { summary: "Choisir l'image par défaut d'un groupe", tags } })
      .get("/hosts", ({ auth }) => listHosts(auth.ctx(TECH)), { detail: { summary: "Postes connus", tags } })
      .post("/hosts", ({ auth, body }) => createHost(auth.ctx(TECH), body), { body: HostCreate, detail: { summary: "Enregistrer un poste", tags } })
      .patch("/hosts/:id", ({ auth, params, body }) => updateHost(auth.ctx(TECH), params.id, body), { params: Id, body: HostPatch, detail: { summary: "Modifier un poste", tags } })
      .delete("/hosts/:id", ({ auth, params }) => (deleteHost(auth.ctx(TECH), params.id), { ok: true }), { params: Id, detail: { summary: "Oublier un poste", tags } })
      .get("/candidates", ({ auth }) => listCandidates(auth.ctx(TECH)), { detail: { summary: "PC inconnus ayant démarré sur le réseau", tags } })
      .post("/candidates/:id/enrol", ({ auth, params, body }) => enrolCandidate(auth.ctx(TECH), params.id, body), { params: Id, body: Enrol, detail: { summary: "Enrôler un PC candidat", tags } })
      .delete("/candidates/:id", ({ auth, params }) => (dismissCandidate(auth.ctx(TECH), params.id), { ok: true }), { params: Id, detail: { summary: "Écarter un PC candidat", tags } })
  );
}
