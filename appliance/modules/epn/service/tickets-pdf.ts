/** Printable access tickets (PDF): one per A4 page with the full rules, or a sheet of ten to cut out. */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "@pdfme/pdf-lib";
import QRCode from "qrcode";
import { formatCode } from "./codes";

/** What one ticket shows. */
export interface TicketData {
  code: string;
  patronName: string | null;
  label: string | null;
  validFrom: string;
  validUntil: string;
  allowanceMinutes: number | null;
  multiUse: boolean;
}

/** The rules printed on every ticket. */
export interface TicketContext {
  orgName: string;
  timezone: string;
  maxSessionMinutes: number;
  dailyQuotaMinutes: number;
  reglement: string;
  reglementVersion: number;
}

const A4: [number, number] = [595.28, 841.89];
const INK = rgb(0.1, 0.1, 0.15);
const GREY = rgb(0.4, 0.4, 0.45);

function duration(min: number) {
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, "0")}`;
}

function when(iso: string, tz: string) {
  return new Intl.DateTimeFormat("fr-FR", { timeZone: tz, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(iso)).replace(" ", " à ");
}

/** The end of validity: a local midnight reads "31/03/2026 inclus" rather than "01/04/2026 à 00:00". */
function until(iso: string, tz: string) {
  const d = new Date(iso);
  const time = new Intl.DateTimeFormat("fr-FR", { timeZone: tz, hour: "2-digit", minute: "2-digit" }).format(d);
  if (time !== "00:00") return when(iso, tz);
  return new Intl.DateTimeFormat("fr-FR", { timeZone: tz, day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date(d.getTime() - 1000)) + " inclus";
}

/** Keeps only characters the standard font can encode (WinAnsi); others become "?". */
function printable(font: PDFFont, s: string) {
  const set = charsets.get(font) ?? new Set(font.getCharacterSet());
  charsets.set(font, set);
  let out = "";
  for (const ch of s.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, " ")) out += set.has(ch.codePointAt(0)!) ? ch : "?";
  return out;
}
const charsets = new WeakMap<PDFFont, Set<number>>();

/** Breaks text into lines no wider than `width`. */
function wrap(font: PDFFont, text: string, size: number, width: number) {
  const lines: string[] = [];
  let line = "";
  for (const word of printable(font, text).split(" ")) {
    const next = line ? line + " " + word : word;
    if (font.widthOfTextAtSize(next, size) > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const cell = size / (n + 2);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      if (qr.modules.get(r, c)) page.drawRectangle({ x: x + (c + 1) * cell, y: y + size - (r + 2) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
}

function ruleLines(t: TicketData, c: TicketContext) {
  return [
    `Valable du ${when(t.validFrom, c.timezone)} au ${until(t.validUntil, c.timezone)}.`,
    t.allowanceMinutes !== null ? `Crédit de temps : ${duration(t.allowanceMinutes)}${t.multiUse ? " (en plusieurs sessions)" : ""}.` : `Temps d'utilisation : ${duration(c.dailyQuotaMinutes)} par jour au maximum.`,
    t.multiUse ? "Code utilisable plusieurs fois pendant sa validité." : "Code à usage unique : une seule session.",
    `Une session dure au plus ${duration(c.maxSessionMinutes)} et se termine à la fermeture de l'espace.`,
    "Saisissez le code sur l'écran du poste (ni O ni I, ni 0 ni 1) ; les tirets sont facultatifs.",
  ];
}

/** One ticket per page: header, big code, QR code, rules and the règlement. */
function drawFullPage(doc: PDFDocument, f: { regular: PDFFont; bold: PDFFont; mono: PDFFont }, t: TicketData, c: TicketContext) {
  const page = doc.addPage(A4);
  const [w, h] = A4;
  let y = h - 60;
  page.drawText(printable(f.bold, c.orgName), { x: 50, y, size: 16, font: f.bold, color: INK });
  y -= 20;
  page.drawText("Espace public numérique — ticket d'accès", { x: 50, y, size: 12, font: f.regular, color: GREY });
  y -= 50;
  if (t.patronName) page.drawText(printable(f.bold, t.patronName), { x: 50, y, size: 14, font: f.bold, color: INK });
  else page.drawText(printable(f.regular, t.label ? `Invité — ${t.label}` : "Invité"), { x: 50, y, size: 14, font: f.regular, color: INK });
  y -= 60;
  page.drawText("Votre code", { x: 50, y: y + 42, size: 11, font: f.regular, color: GREY });
  page.drawText(formatCode(t.code), { x: 50, y, size: 40, font: f.mono, color: INK });
  drawQr(page, formatCode(t.code), w - 50 - 130, y - 30, 130);
  y -= 70;
  for (const line of ruleLines(t, c)) for (const l of wrap(f.regular, "• " + line, 11, w - 100)) (page.drawText(l, { x: 50, y, size: 11, font: f.regular, color: INK }), (y -= 16));
  y -= 20;
  page.drawText(`Règlement de l'espace (version ${c.reglementVersion})`, { x: 50, y, size: 11, font: f.bold, color: INK });
  y -= 16;
  for (const l of wrap(f.regular, c.reglement, 9.5, w - 100)) {
    if (y < 50) break;
    page.drawText(l, { x: 50, y, size: 9.5, font: f.regular, color: GREY });
    y -= 13;
  }
}

/** A cell of the ten-per-page sheet, with a dashed cut line around it. */
function drawSheetCell(page: PDFPage, f: { regular: PDFFont; bold: PDFFont; mono: PDFFont }, t: TicketData, c: TicketContext, x: number, y: number, cw: number, ch: number) {
  page.drawRectangle({ x, y, width: cw, height: ch, borderColor: GREY, borderWidth: 0.5, borderDashArray: [4, 3] });
  const top = y + ch - 18;
  page.drawText(printable(f.bold, c.orgName).slice(0, 40), { x: x + 10, y: top, size: 8, font: f.bold, color: GREY });
  page.drawText(printable(f.regular, t.patronName ?? (t.label ? `Invité — ${t.label}` : "Invité")).slice(0, 38), { x: x + 10, y: top - 14, size: 9, font: f.regular, color: INK });
  page.drawText(formatCode(t.code), { x: x + 10, y: top - 42, size: 20, font: f.mono, color: INK });
  drawQr(page, formatCode(t.code), x + cw - 78, y + ch - 86, 70);
  // Below the QR code: validity, credit, use and session length (the full rules are on the règlement).
  let ly = y + ch - 96;
  for (const line of ruleLines(t, c).slice(0, 4)) for (const l of wrap(f.regular, line, 7, cw - 20)) (page.drawText(l, { x: x + 10, y: ly, size: 7, font: f.regular, color: INK }), (ly -= 9));
}

/** Renders the tickets: `page` = one per page with the règlement, `sheet` = ten per A4 page. */
export async function renderTickets(tickets: TicketData[], ctx: TicketContext, layout: "page" | "sheet"): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Tickets d'accès — ${ctx.orgName}`);
  doc.setCreator("Guichet");
  doc.setLanguage("fr-FR");
  const f = { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold), mono: await doc.embedFont(StandardFonts.CourierBold) };
  if (layout === "page") for (const t of tickets) drawFullPage(doc, f, t, ctx);
  else {
    const [w, h] = A4;
    const cols = 2, rows = 5, margin = 30;
    const cw = (w - 2 * margin) / cols, ch = (h - 2 * margin) / rows;
    let page: PDFPage | null = null;
    tickets.forEach((t, i) => {
      const k = i % (cols * rows);
      if (k === 0) page = doc.addPage(A4);
      drawSheetCell(page!, f, t, ctx, margin + (k % cols) * cw, h - margin - (Math.floor(k / cols) + 1) * ch, cw, ch);
    });
  }
  return doc.save();
}
