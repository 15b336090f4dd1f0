/** CSV as French spreadsheets open it: semicolons, CRLF, UTF-8 with a byte-order mark. */
export type Cell = string | number | boolean | null | undefined;

function cell(v: Cell) {
  if (v === null || v === undefined) return "";
  let s = typeof v === "number" ? String(v).replace(".", ",") : String(v);
  // A leading =, +, - or @ would be run as a formula by spreadsheets: neutralise it.
  if (/^[=+\-@]/.test(s) && typeof v !== "number") s = "'" + s;
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (the first is the header) → CSV text. */
export function toCsv(rows: Cell[][]) {
  return "\uFEFF" + rows.map((r) => r.map(cell).join(";")).join("\r\n") + "\r\n";
}

/** A download response with a safe file name. */
export function csvResponse(body: string, filename: string) {
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"` } });
}
