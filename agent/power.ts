/** Runs the configured system commands (reboot, shutdown, desktop notification) through the platform's shell. */

/** Runs `command` in the shell, detached from the agent's output; resolves with its exit code (null if it hung). */
export async function runCommand(command: string, args: string[] = [], timeoutMs = 15_000): Promise<number | null> {
  const shell = process.platform === "win32" ? ["cmd.exe", "/d", "/s", "/c"] : ["/bin/sh", "-c"];
  // Extra arguments reach the command as "$@" (sh) so that a message text is never parsed as shell code.
  const argv = process.platform === "win32" ? [...shell, [command, ...args.map((a) => `"${a.replace(/"/g, "'")}"`)].join(" ")] : [...shell, `${command} "$@"`, "guichet-agent", ...args];
  const p = Bun.spawn(argv, { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  const timer = setTimeout(() => p.kill(), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return p.signalCode ? null : code;
}
