/** A real SMTP server for tests: Debian's python3-aiosmtpd, each received message parsed and kept as a JSON line. */
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

/** One received message, MIME-decoded (quoted-printable/base64 bodies, encoded-word subjects). */
export interface SinkMessage {
  /** Envelope recipients (RCPT TO), comma-separated. */
  to: string;
  from: string;
  /** The To: header as written by the sender. */
  headerTo: string;
  subject: string;
  text: string;
  html: string | null;
  /** Login used for SMTP AUTH, when the client authenticated. */
  authLogin: string | null;
}

/** A running sink; `stop()` kills the server (messages already received stay readable until then). */
export interface SmtpSink {
  port: number;
  url: string;
  messages(): Promise<SinkMessage[]>;
  /** Resolves with the first message matching `pred` (polls the sink), or rejects after `timeoutMs`. */
  waitFor(pred?: (m: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>;
  stop(): Promise<void>;
}

export interface SinkOptions {
  /** Listen on this port (to bring a stopped sink back at the same address); 0 picks a free one. */
  port?: number;
  /** Require SMTP AUTH with these credentials (advertised without TLS, as on a LAN relay). */
  auth?: { user: string; pass: string };
}

// Debian's python (not pyenv's, which lacks aiosmtpd). The script prints the bound port, then serves.
const PYTHON = "/usr/bin/python3";
const SCRIPT = String.raw`
import asyncio, json, os, sys, email, warnings
from email import policy
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

warnings.simplefilter("ignore")  # "AUTH without TLS": deliberate, this is a loopback test server
out_path = sys.argv[1]
port = int(sys.argv[2])
user = os.environ.get("SINK_USER") or None
password = os.environ.get("SINK_PASS") or ""

class Handler:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        plain = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        login = getattr(session, "auth_data", None)
        rec = {
            "to": ", ".join(envelope.rcpt_tos),
            "from": envelope.mail_from,
            "headerTo": str(msg.get("To", "")),
            "subject": str(msg.get("Subject", "")),
            # SMTP carries CRLF line ends; callers compare with the LF text they queued.
            "text": plain.get_content().replace("\r\n", "\n") if plain is not None else "",
            "html": html.get_content().replace("\r\n", "\n") if html is not None else None,
            "authLogin": login.decode() if isinstance(login, bytes) else login,
        }
        with open(out_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return "250 Message accepted"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

async def main():
    loop = asyncio.get_running_loop()
    kw = dict(authenticator=authenticator, auth_require_tls=False, auth_required=True) if user else {}
    srv = await loop.create_server(lambda: SMTP(Handler(), enable_SMTPUTF8=True, **kw), "127.0.0.1", port)
    print(srv.sockets[0].getsockname()[1], flush=True)
    await srv.serve_forever()

asyncio.run(main())
`;

async function firstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let buf = "";
  const timer = new Promise<never>((_, rej) => setTimeout(() => rej(new Error("le serveur SMTP de test n'a pas démarré à temps")), timeoutMs));
  try {
    while (!buf.includes("\n")) {
      const r = await Promise.race([reader.read(), timer]);
      if (r.done) break;
      buf += dec.decode(r.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return buf.split("\n")[0]!.trim();
}

/** Starts a real SMTP server on 127.0.0.1 (a free port unless `port` is given). */
export async function startSmtpSink(opts: SinkOptions = {}): Promise<SmtpSink> {
  const dir = mkdtempSync(join(tmpdir(), "guichet-smtp-"));
  const file = join(dir, "messages.jsonl");
  const script = join(dir, "sink.py");
  const errLog = join(dir, "stderr.log");
  writeFileSync(script, SCRIPT);
  const proc = Bun.spawn([PYTHON, script, file, String(opts.port ?? 0)], {
    stdout: "pipe",
    // A file, not a pipe: nobody drains it while the server runs, and a full pipe would block Python.
    stderr: Bun.file(errLog),
    env: { PATH: process.env.PATH ?? "/usr/bin", SINK_USER: opts.auth?.user ?? "", SINK_PASS: opts.auth?.pass ?? "" },
  });
  let port: number;
  try {
    port = Number(await firstLine(proc.stdout, 10_000));
    if (!port) throw new Error("port illisible");
  } catch (e) {
    proc.kill();
    await proc.exited;
    const err = existsSync(errLog) ? readFileSync(errLog, "utf8") : "";
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`startSmtpSink : ${(e as Error).message}\n${err}`);
  }
  const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : "";
  const messages = async (): Promise<SinkMessage[]> => {
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SinkMessage);
  };
  let stopped = false;
  let kept: SinkMessage[] | null = null;
  return {
    port,
    url: `smtp://${cred}127.0.0.1:${port}`,
    messages: async () => kept ?? (await messages()),
    async waitFor(pred = () => true, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = (await messages()).find(pred);
        if (m) return m;
        if (Date.now() > end) throw new Error("aucun message correspondant reçu par le serveur SMTP de test");
        await Bun.sleep(50);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      proc.kill();
      await proc.exited;
      kept = await messages();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
