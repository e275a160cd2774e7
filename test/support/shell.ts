import { spawn } from "child_process";

export interface ShellRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs a script with `sh -c` (the machine's POSIX sh) and only the given environment (plus PATH), within `timeoutMs`. */
export function runShell(script: string, env: Record<string, string>, timeoutMs = 30_000): Promise<ShellRun> {
    return new Promise((resolve, reject) => {
        const child = spawn("sh", ["-c", script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`script ran longer than ${timeoutMs} ms:\n${stderr}`)); }, timeoutMs);
        child.on("error", reject);
        child.on("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
}
