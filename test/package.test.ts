import { strict as assert } from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { TYPE_PREFIX } from "../components/typeTokens";

/*
 * The package as npm ships it: `npm pack` (which builds dist/ through `prepare`), the tarball installed by npm into a
 * fresh consumer project, a strict TypeScript program compiled against the installed declarations, and that program
 * run on the installed JavaScript under Pulumi mocks.
 *
 * A plain install would write the ~300 MB of the dependencies again (over a minute on a busy machine). Instead the
 * consumer's node_modules starts as hard links to the packages of the project's own tree that the lockfile does not
 * mark dev-only (the dependencies' closure), and `npm install` then settles it as for any consumer: it adds the
 * tarball, removes what the consumer does not need, and fetches anything missing from the npm cache `npm ci` filled.
 * The consumer lives in the system's temporary folder, outside the project, so that nothing of the project's own
 * node_modules can be found from it; where that is another file system, the files are copied instead of linked.
 */

const ROOT = path.resolve(__dirname, "..");
const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const NAME: string = MANIFEST.name;
const TOKEN = `${TYPE_PREFIX}:index`;

/** The consumer's program: what a user writes, typed against the package's declarations. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { kvV2ReadRules, VaultAppAccess, VaultCluster, VaultConfig } from "${NAME}";
import type { VaultAppAccessArgs, VaultClusterArgs, VaultConfigArgs } from "${NAME}";

export function program(oidcProviderArn: pulumi.Input<string>) {
    const clusterArgs: VaultClusterArgs = {
        irsa: { oidcProviderArn, oidcProviderUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123" },
        replicas: 3,
        config: { kvMounts: [{ path: "apps" }], policies: { ci: kvV2ReadRules("apps", "*") } },
    };
    const cluster = new VaultCluster("vault", clusterArgs);
    const configArgs: VaultConfigArgs = {
        kvMounts: [{ path: "team", version: 1 }],
        policies: { team: [{ path: "team/*", capabilities: ["read", "list"] }] },
    };
    const config = new VaultConfig("team", configArgs, { provider: cluster.provider });
    const accessArgs: VaultAppAccessArgs = {
        namespace: "default",
        serviceAccountName: "web",
        secrets: { "config.json": { mount: "apps", path: "web/config" } },
        vaultAddress: cluster.address,
    };
    const access = new VaultAppAccess("web", accessArgs, { provider: cluster.provider });
    const address: pulumi.Output<string> = cluster.address;
    const rootToken: pulumi.Output<string> = cluster.rootToken;
    const policies: string[] = config.policyNames;
    const annotations: Record<string, string> = access.podAnnotations;
    return { address, rootToken, policies, annotations };
}

/** Declared types are real types: each line below must be refused (an unused @ts-expect-error is an error). */
export function refused(): void {
    // @ts-expect-error replicas is a number
    new VaultCluster("a", { replicas: "three" });
    // @ts-expect-error no such argument
    new VaultCluster("b", { replica: 3 });
    // @ts-expect-error kvMounts is a list of mounts
    new VaultConfig("c", { kvMounts: "apps" });
    // @ts-expect-error serviceAccountName is required
    new VaultAppAccess("d", { namespace: "default", secrets: {} });
}
`;

/** Runs the program under the package's own mocks and prints what it registered. */
const MAIN = `
import { installMocks, settle, valueOf } from "${NAME}/dist/testing/mocks";
import { program } from "./program";

async function main(): Promise<void> {
    const recorder = await installMocks();
    const out = program("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123");
    await settle();
    const resources = recorder.resources.map((r) => ({ type: r.type, name: r.name }));
    console.log(JSON.stringify({ resources, address: await valueOf(out.address), policies: out.policies, annotations: out.annotations }));
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
});
`;

const COMPILER_OPTIONS: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, lib: ["lib.es2022.d.ts"], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true, skipLibCheck: false, types: ["node"], noEmitOnError: true,
};

function run(command: string, args: string[], cwd: string, what: string): SpawnSyncReturns<string> {
    const out = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    if (out.error) throw new Error(`${what}: ${out.error.message}`);
    if (out.status !== 0) throw new Error(`${what} failed (exit ${out.status ?? out.signal}):\n${out.stdout}\n${out.stderr}`);
    return out;
}

/** npm as the test was started by it (npm_execpath), on the Node running the suite; plain `npm` otherwise. */
function npm(args: string[], cwd: string, what: string): SpawnSyncReturns<string> {
    const cli = process.env.npm_execpath;
    return cli && /\.c?js$/.test(cli) ? run(process.execPath, [cli, ...args], cwd, what) : run("npm", args, cwd, what);
}

/** Every package of the project's tree that is not dev-only, as its top-level folder (nested ones come along). */
function runtimePackages(): string[] {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    return Object.entries(lock.packages as Record<string, { dev?: boolean }>)
        .filter(([where, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(where) && !entry.dev)
        .map(([where]) => where)
        .filter((where) => fs.existsSync(path.join(ROOT, where)));
}

/** Recreates a folder as hard links to its files (symbolic links copied as they are). */
function linkTree(from: string, to: string): void {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        const source = path.join(from, entry.name);
        const target = path.join(to, entry.name);
        if (entry.isDirectory()) linkTree(source, target);
        else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
        else linkOrCopy(source, target);
    }
}

function linkOrCopy(source: string, target: string): void {
    try {
        fs.linkSync(source, target);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
        fs.copyFileSync(source, target);
    }
}

/**
 * Errors of a full type check of the consumer's files and of the package's own declarations. `skipLibCheck: false`
 * for the whole program would also check every declaration of @pulumi/aws and the others the package reaches
 * (four times as long); their diagnostics are not this package's to fix.
 */
function typeErrors(program: ts.Program, own: (file: string) => boolean): readonly ts.Diagnostic[] {
    const files = program.getSourceFiles().filter((f) => own(f.fileName));
    return [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(),
        ...files.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])];
}

/** Files of the package, relative to its root, with forward slashes. */
function listFiles(dir: string, prefix = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

function packageOf(specifier: string): string {
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

describe("the packed package, installed into a consumer project", function () {
    this.timeout(240_000);
    let work: string;
    let consumer: string;
    let installed: string;
    let packed: string[];
    const timings: string[] = [];

    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "vault-cluster-packed-"));
        let t = Date.now();
        const pack = JSON.parse(npm(["pack", "--json", "--pack-destination", work, "--loglevel=error"], ROOT, "npm pack").stdout);
        packed = pack[0].files.map((f: { path: string }) => f.path);
        timings.push(`pack and build ${Date.now() - t} ms`);

        consumer = path.join(work, "consumer");
        t = Date.now();
        for (const where of runtimePackages()) linkTree(path.join(ROOT, where), path.join(consumer, where));
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({
            name: "consumer", private: true,
            dependencies: { [NAME]: `file:${path.join(work, pack[0].filename)}`, "@pulumi/pulumi": MANIFEST.dependencies["@pulumi/pulumi"] },
            devDependencies: { "@types/node": MANIFEST.devDependencies["@types/node"] },
        }, null, 2));
        // Install scripts are not needed (no provider plugin runs under mocks) and would reach out to the network.
        npm(["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], consumer, "npm install of the tarball");
        timings.push(`install ${Date.now() - t} ms`);
        installed = path.join(consumer, "node_modules", ...NAME.split("/"));
        fs.writeFileSync(path.join(consumer, "program.ts"), PROGRAM);
        fs.writeFileSync(path.join(consumer, "main.ts"), MAIN);
    });

    after(() => {
        if (timings.length) console.log(`      (packed package: ${timings.join(", ")})`);
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("holds dist/ with a .js, a .d.ts and a source map for every module of components/, and nothing of the sources or tests", () => {
        const modules = listFiles(path.join(ROOT, "components")).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => f.slice(0, -3));
        assert.ok(modules.includes("index"));
        const expected = [
            ...modules.flatMap((m) => [`dist/${m}.js`, `dist/${m}.d.ts`, `dist/${m}.js.map`]),
            // Data a module imports ships beside it (the generated argument schema the run-time type check reads).
            "dist/args/argsSchema.json",
        ];
        assert.deepEqual(packed.filter((f) => f.startsWith("dist/")).sort(), expected.sort());
        // The Grafana dashboard ships as a file of its own, for import into Grafana.
        assert.deepEqual(packed.filter((f) => !f.startsWith("dist/")).sort(),
            ["LICENSE", "README.md", "components/operations/grafana-dashboard.json", "package.json"]);
        assert.match(fs.readFileSync(path.join(installed, "LICENSE"), "utf8"), /^Mozilla Public License, version 2\.0/);
        assert.deepEqual(listFiles(installed).sort(), [...packed].sort(), "the installed package is the tarball");
    });

    it("points every sourceMappingURL at a shipped map that carries its sources", () => {
        for (const file of packed.filter((f) => f.endsWith(".js"))) {
            const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(path.join(installed, file), "utf8"))?.[1];
            if (!url) continue;
            const map = path.posix.join(path.posix.dirname(file), url);
            assert.ok(packed.includes(map), `${file} references ${map}, which is not shipped`);
            const { sources, sourcesContent } = JSON.parse(fs.readFileSync(path.join(installed, map), "utf8"));
            assert.equal(sourcesContent?.length, sources.length, `${map} names sources (${sources.join(", ")}) without carrying them`);
        }
    });

    it("declares only shipped files and declared dependencies in its .d.ts files", () => {
        const dependencies = new Set(Object.keys(MANIFEST.dependencies));
        const unresolved: string[] = [];
        for (const file of packed.filter((f) => f.endsWith(".d.ts"))) {
            const info = ts.preProcessFile(fs.readFileSync(path.join(installed, file), "utf8"), true, true);
            const references = [...info.importedFiles, ...info.referencedFiles, ...info.typeReferenceDirectives].map((r) => r.fileName);
            for (const ref of references) {
                if (ref.startsWith(".")) {
                    const target = path.posix.join(path.posix.dirname(file), ref).replace(/\.js$/, "");
                    if (![`${target}.d.ts`, `${target}/index.d.ts`, target].some((f) => packed.includes(f))) unresolved.push(`${file}: ${ref}`);
                } else if (!ref.startsWith("node:") && !builtinModules.includes(ref) && ref !== "node" && !dependencies.has(packageOf(ref))) {
                    unresolved.push(`${file}: ${ref} (not in dependencies)`);
                }
            }
        }
        assert.deepEqual(unresolved, []);
    });

    it("compiles a strict program against the installed declarations, which type-check themselves", () => {
        const t = Date.now();
        const options = { ...COMPILER_OPTIONS, rootDir: consumer, outDir: path.join(consumer, "out") };
        const host = ts.createCompilerHost(options);
        // Type roots (`types: ["node"]`) are looked up from the current directory: the consumer's, not the test's.
        host.getCurrentDirectory = () => consumer;
        const program = ts.createProgram({ rootNames: ["program.ts", "main.ts"].map((f) => path.join(consumer, f)), options, host });
        const ownPrefix = `${installed}${path.sep}`;
        const errors = typeErrors(program, (file) => path.resolve(file).startsWith(ownPrefix) || !path.relative(consumer, file).startsWith("node_modules"));
        const emitted = errors.length ? undefined : program.emit();
        timings.push(`type check ${Date.now() - t} ms`);
        assert.equal(ts.formatDiagnostics(errors, host), "");
        assert.deepEqual(emitted?.diagnostics, []);
        assert.ok(program.getSourceFiles().some((f) => path.resolve(f.fileName) === path.join(installed, "dist", "index.d.ts")), "the program reads the installed declarations");
    });

    it("runs that program on the installed JavaScript with its declared dependencies only, under Pulumi mocks", () => {
        const main = path.join(consumer, "out", "main.js");
        assert.ok(fs.existsSync(main), "the program compiled (previous test)");
        assert.throws(() => require.resolve("mocha", { paths: [installed] }), /Cannot find module/, "the project's dev dependencies are out of reach");
        const result = JSON.parse(run(process.execPath, [main], consumer, "the consumer program").stdout);
        const names = (type: string) => result.resources.filter((r: { type: string }) => r.type === type).map((r: { name: string }) => r.name).sort();
        assert.deepEqual(names(`${TOKEN}:VaultCluster`), ["vault"]);
        assert.deepEqual(names(`${TOKEN}:VaultConfig`).filter((n: string) => n === "team"), ["team"]);
        assert.deepEqual(names(`${TOKEN}:VaultAppAccess`), ["web"]);
        assert.equal(names("aws:dynamodb/table:Table").length, 1);
        assert.equal(names("kubernetes:helm.sh/v3:Release").length, 1);
        assert.deepEqual(names("kubernetes:core/v1:ServiceAccount"), ["web-sa"]);
        assert.equal(result.address, "https://vault.vault.svc:8200");
        assert.deepEqual(result.policies, ["team"]);
        assert.equal(result.annotations["vault.hashicorp.com/role"], "web");
    });
});
