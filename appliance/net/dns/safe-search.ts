/**
 * SafeSearch enforcement by DNS: each engine's documented CNAME (Google: forcesafesearch.google.com,
 * Bing: strict.bing.com, YouTube: restrict.youtube.com, DuckDuckGo: safe.duckduckgo.com).
 */

/** Google's search domains (the list AdGuard Home ships, one per country). */
const GOOGLE_TLDS = "ad ae al am as at az ba be bf bg bi bj bs bt by ca cat cd cf cg ch ci cl cm cn co co.ao co.bw co.ck co.cr co.id co.il co.in co.jp co.ke co.kr co.ls co.ma co.mz co.nz co.th co.tz co.ug co.uk co.uz co.ve co.vi co.za co.zm co.zw com.af com.ag com.ai com.ar com.au com.bd com.bh com.bn com.bo com.br com.bz com.co com.cu com.cy com.do com.ec com.eg com.et com.fj com.gh com.gi com.gt com.hk com.jm com.kh com.kw com.lb com.ly com.mm com.mt com.mx com.my com.na com.nf com.ng com.ni com.np com.om com.pa com.pe com.pg com.ph com.pk com.pr com.py com.qa com.sa com.sb com.sg com.sl com.sv com.tj com.tr com.tw com.ua com.uy com.vc com.vn com cv cz de dj dk dm dz ee es fi fm fr ga ge gg gl gm gp gr gy hn hr ht hu ie im iq is it je jo kg ki kz la li lk lt lu lv md me mg mk ml mn ms mu mv mw ne nl no nr nu pl pn ps pt ro rs ru rw sc se sh si sk sm sn so sr st td tg tk tl tm tn to tt vg vu ws".split(" ");

const TABLE = new Map<string, string>();
for (const tld of GOOGLE_TLDS) TABLE.set("www.google." + tld, "forcesafesearch.google.com");
for (const d of ["www.bing.com", "bing.com"]) TABLE.set(d, "strict.bing.com");
for (const d of ["www.youtube.com", "m.youtube.com", "youtubei.googleapis.com", "youtube.googleapis.com", "www.youtube-nocookie.com"]) TABLE.set(d, "restrict.youtube.com");
for (const d of ["duckduckgo.com", "www.duckduckgo.com", "start.duckduckgo.com"]) TABLE.set(d, "safe.duckduckgo.com");

/** The CNAME target enforcing SafeSearch for `name`, or null when the name is not a search engine's. */
export function safeSearchTarget(name: string): string | null {
  return TABLE.get(name) ?? null;
}

/** Every rewritten name (for tests and the admin page). */
export function safeSearchNames(): string[] {
  return [...TABLE.keys()];
}
