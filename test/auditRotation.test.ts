import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { gunzipSync } from "zlib";
import { randomBytes } from "crypto";
import type { AuditRotation } from "../components/operations/args";
import { auditRotationChartValues } from "../components/operations/auditRotation";
import { chartSchemaErrors, unknownChartKeys } from "./support/chart";
import { IRSA, LOCAL, renderedValues } from "./support/cluster";
import { runShell } from "./support/shell";
import { resolveOperations } from "./support/operations";

const settingsOf = (auditRotation?: AuditRotation, cluster = LOCAL) => resolveOperations(cluster, { auditRotation }).rotation;

/** The sidecar the chart values add, with its script and environment. */
function sidecar(args?: AuditRotation) {
    const values = auditRotationChartValues(settingsOf(args)) as any;
    const c = values.server.extraContainers[0];
    return { values, container: c, script: c.command[2] as string, env: Object.fromEntries(c.env.map((e: any) => [e.name, e.value])) as Record<string, string> };
}

/**
 * A stand-in for Vault's file audit device: a process (its executable named `name`, so the script finds it by
 * /proc/<pid>/comm) appending numbered lines to `file` every 2 ms and reopening the path on SIGHUP, as Vault does.
 */
async function startWriter(dir: string, file: string): Promise<{ child: ChildProcess; name: string; stop: () => Promise<number> }> {
    const name = `vlt${randomBytes(3).toString("hex")}`;
    symlinkSync(process.execPath, join(dir, name));
    // Node 24 names its main thread "MainThread": the title puts the name back into /proc/<pid>/comm, as Vault's is.
    const program = `
        process.title = ${JSON.stringify(name)};
        const fs = require("fs");
        let fd = fs.openSync(process.argv[1], "a"), n = 0;
        process.on("SIGHUP", () => { fs.closeSync(fd); fd = fs.openSync(process.argv[1], "a"); });
        const timer = setInterval(() => fs.writeSync(fd, "line " + (n++) + " " + "x".repeat(200) + "\\n"), 2);
        process.on("SIGTERM", () => { clearInterval(timer); process.stdout.write(" " + n); process.exit(0); });
        process.stdout.write("ready");`;
    const child = spawn(join(dir, name), ["-e", program, file], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (d) => { out += d; if (out.startsWith("ready")) resolve(); });
        child.on("close", (code) => reject(new Error(`the writer exited with ${code}`)));
    });
    const stop = () => new Promise<number>((resolve) => { child.on("close", () => resolve(Number(out.split(" ")[1]))); child.kill("SIGTERM"); });
    return { child, name, stop };
}

/** Line numbers in a log file, gzipped or not. */
function lineNumbers(path: string): number[] {
    const raw = readFileSync(path);
    const text = path.endsWith(".gz") ? gunzipSync(raw).toString() : raw.toString();
    return text.split("\n").filter(Boolean).map((l) => Number(/^line (\d+) /.exec(l)![1]));
}

const ROTATED = /^vault_audit\.log\.\d{8}T\d{6}Z(\.gz)?$/;

describe("audit log rotation", function () {
    this.timeout(30_000);
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "vault-audit-")); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("adds a sidecar sharing the process namespace, with the audit volume, in values the chart accepts", () => {
        const { values, container, env } = sidecar();
        assert.equal(values.server.shareProcessNamespace, true);
        assert.equal(container.image, "busybox:1.37.0");
        assert.deepEqual(container.volumeMounts, [{ name: "audit", mountPath: "/vault/audit" }]);
        assert.deepEqual(env, {
            AUDIT_FILES: "/vault/audit/vault_audit.log", MAX_BYTES: String(100 * 2 ** 20), MAX_AGE_SECONDS: "86400", KEEP: "7",
            COMPRESS: "true", INTERVAL_SECONDS: "60", VAULT_PROCESS: "vault",
        });
        assert.deepEqual(container.securityContext, {
            allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, runAsUser: 100, runAsGroup: 1000,
        });
        // The cluster renders these values itself (rotation is on by default with audit storage).
        const merged = renderedValues(LOCAL);
        assert.deepEqual(merged.server.extraContainers, values.server.extraContainers);
        assert.deepEqual(chartSchemaErrors(merged), []);
        assert.deepEqual(unknownChartKeys(merged), []);
    });

    it("is on by default with audit storage, off without a file device on the audit volume", () => {
        assert.ok(settingsOf(undefined, { irsa: IRSA }));
        assert.equal(settingsOf(undefined, { ...LOCAL, auditStorage: { enabled: false }, config: { auditDevices: [] } }), undefined);
        assert.throws(() => settingsOf({ enabled: true }, { ...LOCAL, auditStorage: { enabled: false }, config: { auditDevices: [] } }),
            /auditRotation.enabled = true: has nothing to rotate/);
    });

    it("refuses settings whose kept files could fill the audit volume, with the size that would fit", () => {
        assert.throws(() => settingsOf({ maxSize: "1Gi", keep: 9 }),
            /auditRotation.keep = 9: keeps up to 10 × 1Gi per log \(1 log\): more than 80% of the 10Gi audit volume\. Fix: lower keep or maxSize, or enlarge auditStorage.size to at least 13Gi/);
        assert.throws(() => settingsOf({ maxSize: "lots", maxAge: "soon", keep: 0, image: "busybox" }), (e: Error) =>
            ["auditRotation.maxSize", "auditRotation.maxAge", "auditRotation.keep", "auditRotation.image = \"busybox\": is not an image pinned by version"]
                .every((f) => e.message.includes(f)));
    });

    it("rotates by size while Vault writes, signals it to reopen, keeps and compresses a bounded set, and loses no line", async () => {
        const log = join(dir, "vault_audit.log");
        const writer = await startWriter(dir, log);
        const { script, env } = sidecar();
        const rotator = spawn("sh", ["-c", script], {
            env: { PATH: process.env.PATH!, ...env, AUDIT_FILES: log, MAX_BYTES: "60000", KEEP: "3", INTERVAL_SECONDS: "1", VAULT_PROCESS: writer.name },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        rotator.stderr!.on("data", (d) => (stderr += d));
        await new Promise((r) => setTimeout(r, 6500));
        const stopped = Date.now();
        await new Promise((r) => { rotator.on("close", r); rotator.kill("SIGTERM"); });
        assert.ok(Date.now() - stopped < 1500, "the sidecar stops promptly on SIGTERM");
        const written = await writer.stop();

        const rotations = stderr.match(/rotated .* \(size \d+ >= 60000\); vlt\w+ \(pid \d+\) reopens it/g) ?? [];
        assert.ok(rotations.length >= 4, stderr);
        const rotated = readdirSync(dir).filter((f) => ROTATED.test(f)).sort();
        assert.equal(rotated.length, 3, `kept ${rotated}`);
        assert.deepEqual(rotated.map((f) => f.endsWith(".gz")), [true, true, false], "all but the newest are compressed");
        assert.match(stderr, /deleted .*vault_audit\.log\.\d{8}T\d{6}Z(\.gz)? \(keeping 3\)/);
        // What is kept is one unbroken run of lines up to the last one written: nothing lost or doubled across reopenings.
        const lines = [...rotated.map((f) => join(dir, f)), log].flatMap(lineNumbers);
        assert.equal(lines[lines.length - 1], written - 1);
        lines.forEach((n, i) => i > 0 && assert.equal(n, lines[i - 1] + 1, `line ${lines[i - 1]} is followed by ${n}`));
    });

    it("rotates a non-empty log by age, but not an empty one", async () => {
        const log = join(dir, "vault_audit.log");
        const writer = await startWriter(dir, log);
        const { script, env } = sidecar({ maxAge: "1h" });
        const run = () => runShell(script, { ...env, AUDIT_FILES: log, ROTATE_ONCE: "1", VAULT_PROCESS: writer.name });
        await new Promise((r) => setTimeout(r, 50));
        let r = await run();
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(readdirSync(dir).filter((f) => ROTATED.test(f)), [], "a young log stays");
        const since = join(dir, ".vault_audit.log.since");
        const past = new Date(Date.now() - 2 * 3600_000);
        utimesSync(since, past, past);
        r = await run();
        assert.match(r.stderr, /rotated .* \(age \d+s >= 3600s\)/);
        const written = await writer.stop();
        const [rotated] = readdirSync(dir).filter((f) => ROTATED.test(f));
        const lines = [...lineNumbers(join(dir, rotated)), ...lineNumbers(log)];
        assert.deepEqual(lines, Array.from({ length: written }, (_, i) => i));

        writeFileSync(log, "");
        utimesSync(since, past, past);
        r = await run();
        assert.doesNotMatch(r.stderr, /rotated/);
    });

    it("does not rename the log while no Vault process can be told to reopen it", async () => {
        const log = join(dir, "vault_audit.log");
        writeFileSync(log, "x".repeat(1000));
        const { script, env } = sidecar();
        const r = await runShell(script, { ...env, AUDIT_FILES: log, MAX_BYTES: "10", ROTATE_ONCE: "1", VAULT_PROCESS: "no-such-proc" });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /not rotating .*vault_audit\.log \(size 1000 >= 10\): no no-such-proc process to reopen it/);
        assert.ok(existsSync(log));
        assert.deepEqual(readdirSync(dir).filter((f) => ROTATED.test(f)), []);
    });
});
