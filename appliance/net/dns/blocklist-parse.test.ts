import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parseLine, parseList } from "./blocklist-parse";
import { CompiledList, compileList, matchLists, suffixesOf, findRuleLines } from "./matcher";

const FIX = new URL("./test/fixtures/", import.meta.url).pathname;
const fixture = (f: string) => readFileSync(FIX + f, "utf8");

describe("une ligne, un verdict", () => {
  const cases: [string, unknown][] = [
    ["# commentaire", { t: "skip" }],
    ["! commentaire AdBlock", { t: "skip" }],
    ["[Adblock Plus 2.0]", { t: "skip" }],
    ["   ", { t: "skip" }],
    ["Pub.Exemple.COM.", { t: "domain", domain: "pub.exemple.com", kind: "exact", allow: false }],
    ["pub.exemple.com # traceur", { t: "domain", domain: "pub.exemple.com", kind: "exact", allow: false }],
    ["mairie-été.fr", { t: "domain", domain: "xn--mairie-t-h1ab.fr", kind: "exact", allow: false }],
    ["0.0.0.0 a.test b.test # deux noms", { t: "hosts", domains: ["a.test", "b.test"] }],
    ["127.0.0.1  localhost", { t: "ignored", reason: "nom réservé (localhost…)" }],
    ["::1 ip6-localhost", { t: "ignored", reason: "nom réservé (localhost…)" }],
    ["||ads.test^", { t: "domain", domain: "ads.test", kind: "suffix", allow: false }],
    ["||ads.test^|", { t: "domain", domain: "ads.test", kind: "suffix", allow: false }],
    ["|ezodn.com^|", { t: "domain", domain: "ezodn.com", kind: "exact", allow: false }],
    ["@@||ok.test^", { t: "domain", domain: "ok.test", kind: "suffix", allow: true }],
    ["*.bpmonline.com^", { t: "domain", domain: "bpmonline.com", kind: "sub", allow: false }],
    ["*.wild.test", { t: "domain", domain: "wild.test", kind: "sub", allow: false }],
    ["||ads.test^$important", { t: "domain", domain: "ads.test", kind: "suffix", allow: false }],
    ["||click.aliexpress.com^$image,script", { t: "ignored", reason: "modificateur $image propre aux navigateurs : sans effet en DNS" }],
    ["|www.google.fr^$dnsrewrite=NOERROR;CNAME;forcesafesearch.google.com", { t: "ignored", reason: "modificateur $dnsrewrite non pris en charge" }],
    ["||t.hulu.com/beacon/", { t: "ignored", reason: "règle d'adresse web (chemin) : sans effet en DNS" }],
    ["example.com##.banniere", { t: "ignored", reason: "règle cosmétique de navigateur : sans effet en DNS" }],
    ["/^ad[0-9]+\\./", { t: "pattern", re: /^ad[0-9]+\./, index: null, allow: false }],
    ["/(unclosed/", { t: "invalid", reason: "expression régulière invalide" }],
    ["||*^", { t: "invalid", reason: "motif vide : il bloquerait tout" }],
    ["pas un domaine !", { t: "invalid", reason: "espace inattendu dans la règle" }],
    ["0.0.0.0 bad_host!.test", { t: "invalid", reason: "nom d'hôte invalide « bad_host!.test »" }],
  ];
  test.each(cases)("%p", (line, expected) => {
    expect(parseLine(line)).toEqual(expected as never);
  });

  test("un joker au milieu d'un nom devient un motif indexé par son suffixe fixe", () => {
    const r = parseLine("||mobileanalytics.*.amazonaws.com^");
    expect(r.t).toBe("pattern");
    if (r.t !== "pattern") return;
    expect(r.index).toBe("amazonaws.com");
    expect(r.re.test("mobileanalytics.us-east-1.amazonaws.com")).toBe(true);
    expect(r.re.test("s3.amazonaws.com")).toBe(false);
  });
});

async function compile(file: string, mode: "block" | "allow" = "block", text = fixture(file)) {
  return compileList(file, mode, "v", text, 500);
}

/** What the filter does with a name given lists in order: "blocked", "allowed" (by exception) or "none". */
function verdict(lists: CompiledList[], name: string) {
  const h = matchLists(lists, suffixesOf(name));
  return h ? (h.allow ? "allowed" : "blocked") : "none";
}

describe("listes réelles (fixtures)", () => {
  // [fichier, règles, ignorées, invalides] : comptés à la main sur les fichiers (voir le commentaire de chaque cas).
  const counts: [string, number, number, number][] = [
    // 1 601 lignes "127.0.0.1 nom" dont localhost ; "::1 localhost" ignorée.
    ["adaway-hosts.txt", 1600, 2, 0],
    // 569 lignes non commentées : 5 règles à chemin et 1 à modificateur $image sont sans effet en DNS.
    ["adguard-sdns-rules.txt", 563, 6, 0],
    ["adguard-sdns-exceptions.txt", 136, 0, 0],
    // 3 450 règles ; 4 règles d'adresse (^*_*.php, ^*^maff=, ^third-party) sans effet.
    ["adguardhome-testdata-adguard-dns-filter.txt", 3450, 4, 0],
    ["hagezi-personal-domains.txt", 2670, 0, 0],
    // Réécritures $dnsrewrite : toutes ignorées, aucune ne doit bloquer.
    ["adguardhome-safesearch-google-dnsrewrite.txt", 0, 194, 0],
  ];
  test.each(counts)("%s : %d règles, %d ignorées, %d invalides", async (file, rules, ignored, invalid) => {
    const l = await compile(file);
    expect([l.report.rules, l.report.ignored, l.report.invalid]).toEqual([rules, ignored, invalid]);
  });

  test("les mêmes fichiers en CRLF donnent exactement les mêmes règles", async () => {
    for (const [file] of counts) {
      const lf = await compile(file);
      const crlf = await compile(file, "block", fixture(file).replace(/\n/g, "\r\n"));
      expect(crlf.report).toEqual(lf.report);
      expect(crlf.set.digest()).toBe(lf.set.digest());
    }
  });

  test("le chemin rapide (domaines hachés sans découpage) et l'analyseur ligne à ligne compilent la même liste", async () => {
    const extra = "0.0.0.0 Upper.Case.TEST\n127.0.0.1 localhost\n0.0.0.0 0.0.0.0\ntrailing.dot.test.\n0.0.0.0 ip6-allnodes\n" + "x".repeat(64) + ".test\n";
    for (const [file] of counts) {
      const text = fixture(file) + extra;
      const fast = await compile(file, "block", text);
      const slow = new CompiledList(file, "block", "v");
      const report = parseList(text, "block", slow);
      expect(fast.set.digest()).toBe(slow.set.digest());
      expect(fast.report.rules).toBe(report.rules);
      expect(fast.report.ignored).toBe(report.ignored);
      expect(fast.report.invalid).toBe(report.invalid);
    }
  });

  test("verdicts nom par nom, listes combinées (blocages + exceptions)", async () => {
    const lists = [await compile("adguard-sdns-exceptions.txt"), await compile("adaway-hosts.txt"), await compile("adguard-sdns-rules.txt"), await compile("hagezi-personal-domains.txt"), await compile("adguardhome-testdata-adguard-dns-filter.txt")];
    const local = await compileList("local", "block", "v", "||exponea.com^\n||herz-fuer-tiere.de^\n/^ad[0-9]+\\.exemple\\.fr$/\nmairie-été.fr\n");
    lists.push(local);
    const cases: [string, string][] = [
      ["localhost", "none"],
      ["analytics.163.com", "blocked"], // hosts : nom exact
      ["sous.analytics.163.com", "none"], // hosts : pas les sous-domaines
      ["dnscheck.adguard.com", "blocked"], // ||d^ : le nom…
      ["x.dnscheck.adguard.com", "blocked"], // … et ses sous-domaines
      ["bpmonline.com", "none"], // *.d^ : pas le domaine lui-même
      ["crm.bpmonline.com", "blocked"], // … seulement ses sous-domaines
      ["mobileanalytics.eu-west-1.amazonaws.com", "blocked"], // joker au milieu
      ["logger-eu.dailymotion.com", "blocked"],
      ["t.delfi.lt", "blocked"], // ||t.delfi. sans ^ : tout TLD
      ["click.aliexpress.com", "none"], // $image : sans effet en DNS
      ["t.hulu.com", "none"], // règle à chemin : sans effet
      ["cdn.us1.exponea.com", "allowed"], // @@||cdn.us*.exponea.com^| l'emporte sur ||exponea.com^
      ["api.exponea.com", "blocked"],
      ["data-x.herz-fuer-tiere.de", "allowed"], // @@||data-*.herz-fuer-tiere.de^|
      ["shop.herz-fuer-tiere.de", "blocked"],
      ["ezodn.com", "allowed"], // @@|ezodn.com^| : exception sur le nom exact seulement
      ["ad42.exemple.fr", "blocked"], // /regex/
      ["adx.exemple.fr", "none"],
      ["xn--mairie-t-h1ab.fr", "blocked"], // IDN écrit en Unicode dans la liste
      ["01.creativecdn.com", "blocked"], // liste de domaines simples (hagezi)
      ["007-gateway.com", "blocked"], // ||d^ (AdGuard DNS filter)
      ["www.google.fr", "none"], // les règles $dnsrewrite n'ont rien bloqué
    ];
    const got = cases.map(([name]) => [name, verdict(lists, name)]);
    expect(got).toEqual(cases);
  });

  test("« pourquoi ? » retrouve la ligne exacte de la règle", async () => {
    const text = fixture("adguard-sdns-rules.txt");
    const l = await compile("adguard-sdns-rules.txt", "block", text);
    const hit = l.match(suffixesOf("crm.bpmonline.com"))!;
    const lines = findRuleLines(text, "block", hit);
    expect(lines[0]!.text).toBe("*.bpmonline.com^");
    expect(text.split("\n")[lines[0]!.line - 1]).toBe("*.bpmonline.com^");
  });

  test("une liste d'autorisation transforme chaque domaine en exception", async () => {
    const block = await compileList("b", "block", "v", "||exemple.fr^\n");
    const allow = await compileList("a", "allow", "v", "www.exemple.fr\n");
    expect(verdict([block, allow], "www.exemple.fr")).toBe("allowed");
    expect(verdict([block, allow], "pub.exemple.fr")).toBe("blocked");
  });
});
