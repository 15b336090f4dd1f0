/**
 * Compiled lists and the per-query match. Each list keeps one hashed domain set (name → flag bits) plus its
 * patterns, so a refreshed list is recompiled alone and swapped in; a group asks its lists in order and
 * exceptions win.
 */
import { forEachLine, parseInto, type DomainKind, type ParseReport, type RuleSink } from "./blocklist-parse";
import { DomainSet, hashRange } from "./domain-set";

const BIT: Record<DomainKind, number> = { exact: 1, suffix: 2, sub: 4 };
const ALLOW_SHIFT = 3;

interface Pattern {
  re: RegExp;
  allow: boolean;
}

/** What matched, enough for the log and for finding the exact line later. */
export interface Hit {
  listId: string;
  allow: boolean;
  kind: DomainKind | "pattern";
  /** The domain key that matched, or the pattern's source. */
  key: string;
}

/** One list, ready for lookups. */
export class CompiledList implements RuleSink {
  readonly set: DomainSet;
  private indexed = new Map<string, Pattern[]>();
  private generic: Pattern[] = [];
  report: ParseReport = { lines: 0, rules: 0, ignored: 0, invalid: 0, samples: [] };

  constructor(
    readonly id: string,
    readonly mode: "block" | "allow",
    /** Identifies the content compiled (sha256): unchanged lists are not recompiled. */
    readonly version: string,
    expectedRules = 0,
  ) {
    this.set = new DomainSet(expectedRules);
  }

  domain(domain: string, kind: DomainKind, allow: boolean) {
    this.set.or(domain, BIT[kind] << (allow ? ALLOW_SHIFT : 0));
  }

  /** Number of domain rules (after de-duplication). */
  get domainCount() {
    return this.set.size;
  }

  pattern(re: RegExp, index: string | null, allow: boolean) {
    const p = { re, allow };
    if (index === null) this.generic.push(p);
    else {
      const arr = this.indexed.get(index);
      if (arr) arr.push(p);
      else this.indexed.set(index, [p]);
    }
  }

  get patternCount() {
    let n = this.generic.length;
    for (const a of this.indexed.values()) n += a.length;
    return n;
  }

  /**
   * Matches `suffixes` (the name, then each parent: "a.b.c", "b.c", "c"); an exception in this list beats a
   * block in this list. Returns null when nothing matches.
   */
  match(sx: Suffixes): Hit | null {
    let block: Hit | null = null;
    for (let i = 0; i < sx.count; i++) {
      const f = this.set.getHashed(sx.h1[i]!, sx.h2[i]!);
      if (f !== 0) {
        // The name itself matches exact and suffix rules; a parent matches suffix and sub rules.
        const self = i === 0;
        const allowBits = (f >> ALLOW_SHIFT) & (self ? 3 : 6);
        if (allowBits) return { listId: this.id, allow: true, kind: kindOf(allowBits, self), key: sx.at(i) };
        const blockBits = f & (self ? 3 : 6);
        if (blockBits && !block) block = { listId: this.id, allow: false, kind: kindOf(blockBits, self), key: sx.at(i) };
      }
      if (this.indexed.size) {
        const pats = this.indexed.get(sx.at(i));
        if (pats) {
          const r = testPatterns(pats, sx.name, this.id);
          if (r?.allow) return r;
          if (r && !block) block = r;
        }
      }
    }
    if (this.generic.length) {
      const r = testPatterns(this.generic, sx.name, this.id);
      if (r?.allow) return r;
      if (r && !block) block = r;
    }
    return block;
  }
}

function kindOf(bits: number, self: boolean): DomainKind {
  if (self) return bits & 1 ? "exact" : "suffix";
  return bits & 2 ? "suffix" : "sub";
}

function testPatterns(pats: Pattern[], name: string, listId: string): Hit | null {
  let block: Hit | null = null;
  for (const p of pats) {
    if (!p.re.test(name)) continue;
    const hit: Hit = { listId, allow: p.allow, kind: "pattern", key: p.re.source };
    if (p.allow) return hit;
    block ??= hit;
  }
  return block;
}

/**
 * A name and its parents ("a.b.c", "b.c", "c") with their hashes, computed once per query and shared by
 * every list. The parent strings are only cut when something needs them (a hit, an indexed pattern).
 */
export class Suffixes {
  name = "";
  count = 0;
  readonly starts = new Int32Array(128);
  readonly h1 = new Uint32Array(128);
  readonly h2 = new Uint32Array(128);

  /** The i-th suffix as a string (0 = the name itself). */
  at(i: number): string {
    return i === 0 ? this.name : this.name.slice(this.starts[i]!);
  }

  /** All suffixes as strings (tests, explanations). */
  get names(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.at(i));
  }
}

const HS = new Uint32Array(2);

/** Suffixes of `name` with their hashes (a fresh object: callers may keep it). */
export function suffixesOf(name: string, into = new Suffixes()): Suffixes {
  into.name = name;
  let k = 0;
  let start = 0;
  // A DNS name has at most 127 labels: the arrays always fit.
  for (;;) {
    into.starts[k] = start;
    hashRange(name, start, name.length, HS);
    into.h1[k] = HS[0]!;
    into.h2[k] = HS[1]!;
    k++;
    const dot = name.indexOf(".", start);
    if (dot < 0 || k >= 128) break;
    start = dot + 1;
  }
  into.count = k;
  return into;
}

/** Asks each list in order; any exception wins over any block (AdBlock semantics across lists). */
export function matchLists(lists: readonly CompiledList[], suffixes: Suffixes): Hit | null {
  let block: Hit | null = null;
  for (let i = 0; i < lists.length; i++) {
    const h = lists[i]!.match(suffixes);
    if (!h) continue;
    if (h.allow) return h;
    block ??= h;
  }
  return block;
}

/**
 * Compiles a list without stalling the resolver: the text is parsed in slices of ~20k lines, yielding to
 * the event loop between slices so queries keep being answered while a big list loads.
 */
export async function compileList(id: string, mode: "block" | "allow", version: string, text: string, sliceLines = 50_000): Promise<CompiledList> {
  // Sized once from the line count: growing a million-entry table step by step leaves ~2× its size in garbage.
  const list = new CompiledList(id, mode, version, countLines(text));
  const report = list.report;
  const exactBit = mode === "allow" ? 1 << ALLOW_SHIFT : 1;
  const h = new Uint32Array(2);
  let start = 0;
  let lineNo = 1;
  let inSlice = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    // Fast path, most lines of big lists: a bare domain or "0.0.0.0 domain", hashed in place.
    const from = plainDomainStart(text, start, stop);
    if (from >= 0) {
      report.lines++;
      report.rules++;
      hashRange(text, from, stop, h);
      list.set.orHashed(h[0]!, h[1]!, exactBit);
    } else parseInto(text.slice(start, stop), lineNo, mode, list, report);
    lineNo++;
    start = end + 1;
    if (++inSlice >= sliceLines && start < text.length) {
      inSlice = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  return list;
}

function countLines(text: string) {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

const HOSTS_PREFIXES = ["0.0.0.0 ", "127.0.0.1 "];

/**
 * Where the domain of a line starts when the line is nothing but a valid domain (optionally after a
 * 0.0.0.0 / 127.0.0.1 hosts address), or -1 for any other line (the full parser then handles it).
 * Accepts exactly what normalizeDomain accepts for such lines, minus trailing dots and reserved names.
 */
export function plainDomainStart(s: string, from: number, to: number): number {
  let i = from;
  for (const p of HOSTS_PREFIXES) if (s.startsWith(p, from)) i = from + p.length;
  const begin = i;
  if (to - begin < 1 || to - begin > 253) return -1;
  const first = s.charCodeAt(begin);
  if (!((first >= 97 && first <= 122) || (first >= 48 && first <= 57) || first === 95 || (first >= 65 && first <= 90))) return -1;
  let label = 0;
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (label === 0) return -1;
      label = 0;
      continue;
    }
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || (c >= 65 && c <= 90))) return -1;
    if (++label > 63) return -1;
  }
  if (label === 0) return -1;
  // "0.0.0.0 localhost", "0.0.0.0 0.0.0.0" and friends are not blocked: let the full parser say so.
  if (begin !== from && (s.startsWith("local", begin) || s.startsWith("ip6-", begin) || s.startsWith("broadcasthost", begin) || s.startsWith("0.0.0.0", begin))) return -1;
  return begin;
}

/** The line numbers of the rules behind a hit (re-parses the list text: only for the admin's lookup). */
export function findRuleLines(text: string, mode: "block" | "allow", hit: Hit): { line: number; text: string }[] {
  const found: number[] = [];
  const sink: RuleSink = {
    domain(d, kind, allow, line) {
      if (d === hit.key && kind === hit.kind && allow === hit.allow) found.push(line);
    },
    pattern(re, _i, allow, line) {
      if (hit.kind === "pattern" && re.source === hit.key && allow === hit.allow) found.push(line);
    },
  };
  const report: ParseReport = { lines: 0, rules: 0, ignored: 0, invalid: 0, samples: [] };
  forEachLine(text, 0, text.length, (line, n) => parseInto(line, n, mode, sink, report));
  const lines = new Map<number, string>();
  if (found.length) forEachLine(text, 0, text.length, (line, n) => void (found.includes(n) && lines.set(n, line.trim())));
  return found.slice(0, 5).map((n) => ({ line: n, text: lines.get(n) ?? "" }));
}
