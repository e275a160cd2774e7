import { execFile } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

/**
 * Runs one method of a serialized dynamic provider the way Pulumi's provider host does, in a fresh process. A failure
 * rejects with the provider's message, carrying the `id` and `properties` of a partial failure when it had them.
 */
export function runSerializedProvider(providerText: string, method: "create" | "diff" | "update", args: unknown[]): Promise<any> {
    const dir = mkdtempSync(join(tmpdir(), "vault-provider-"));
    writeFileSync(join(dir, "provider.js"), providerText);
    writeFileSync(join(dir, "args.json"), JSON.stringify(args));
    const result = join(dir, "result.json");
    const host = `
        const requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }));
        const fs = require("fs");
        const provider = requireFromString(fs.readFileSync(${JSON.stringify(join(dir, "provider.js"))}, "utf8")).handler();
        const args = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, "args.json"))}, "utf8"));
        provider[${JSON.stringify(method)}](...args).then(
            (r) => fs.writeFileSync(${JSON.stringify(result)}, JSON.stringify(r)),
            (e) => {
                fs.writeFileSync(${JSON.stringify(result)}, JSON.stringify({ error: { message: String(e && e.message), id: e && e.id, properties: e && e.properties } }));
                process.stderr.write(String(e && e.message));
                process.exit(1);
            });`;
    return new Promise((resolve, reject) => {
        execFile(process.execPath, ["-e", host], { cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
            if (error) {
                let failure: { id?: string; properties?: unknown } = {};
                try { failure = JSON.parse(readFileSync(result, "utf8")).error ?? {}; } catch { /* the process died before writing it */ }
                return reject(Object.assign(new Error(`${error.message}\n${stderr}`), { id: failure.id, properties: failure.properties }));
            }
            resolve({ result: JSON.parse(readFileSync(result, "utf8")), output: stdout + stderr });
        });
    });
}
