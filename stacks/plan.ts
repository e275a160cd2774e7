/**
 * The offline plan: `npm run plan -- <stack> [--out <dir>]` runs this repository's real program for a stack under
 * Pulumi mocks (no cloud, no cluster, no Pulumi CLI), prints the resource tree and a summary, and writes every
 * rendered artifact to a folder. Diffing two environments' folders is the review.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { installMocks, isSecretValue, MockRecorder, REGION, RegisteredResource, settle, unwrapSecrets } from "../components/testing/mocks";

const ROOT = path.join(__dirname, "..");
const PROGRAM = path.join(__dirname, "index.ts");

export interface PlanResult {
    stack: string;
    resources: RegisteredResource[];
    /** Relative file name → content. */
    artifacts: Record<string, string>;
    tree: string;
    summary: string;
}

export interface PlanOptions {
    /** Write the artifacts here (cleared first). Default: nothing is written. */
    outDir?: string;
    /** Use this config map instead of stacks/Pulumi.<stack>.yaml's `config` (tests). */
    config?: Record<string, unknown>;
    log?: (message: string) => void;
}

function projectName(): string {
    return (parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
}

export function stackNames(): string[] {
    return fs.readdirSync(__dirname).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
}

function stackConfig(stack: string): Record<string, unknown> {
    const file = path.join(__dirname, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`no stack file stacks/Pulumi.${stack}.yaml; stacks: ${stackNames().join(", ")}`);
    return (parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> })?.config ?? {};
}

/**
 * Offline there is no VPC to look existing endpoints up in: the plan takes each one the stack names as the region's
 * endpoint of its service in the stack's VPC (`pulumi up` looks it up and checks that).
 */
function withAssumedEndpoints(recorder: MockRecorder, environment: any): MockRecorder {
    const cluster = environment?.cluster ?? {};
    for (const service of ["kms", "sts"]) {
        const id = cluster.vpcEndpoints?.[service]?.existingEndpointId;
        if (typeof id !== "string") continue;
        recorder.vpcEndpoints[id] = { vpcId: cluster.vpcEndpoints.vpcId, serviceName: `com.amazonaws.${cluster.region ?? REGION}.${service}`,
            privateDnsEnabled: true, state: "available", vpcEndpointType: "Interface" };
    }
    return recorder;
}

/** Runs the program for `stack` under mocks and collects what it would create. Throws the program's errors. */
export async function plan(stack: string, options: PlanOptions = {}): Promise<PlanResult> {
    const log = options.log ?? (() => undefined);
    const project = projectName();
    const config = options.config ?? stackConfig(stack);
    // Pulumi passes structured config values to programs as JSON text, keyed "<project>:<key>".
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, typeof v === "string" ? v : JSON.stringify(v)])));
    const recorder = withAssumedEndpoints(new MockRecorder(), config[`${project}:environment`]);
    await installMocks({ project, stack, recorder });
    log(`Running ${path.relative(ROOT, PROGRAM)} for stack ${stack} under mocks`);

    const failures: unknown[] = [];
    const onRejection = (e: unknown) => failures.push(e);
    process.on("unhandledRejection", onRejection);
    try {
        delete require.cache[require.resolve(PROGRAM)];
        require(PROGRAM);
        await settle();
    } finally {
        process.off("unhandledRejection", onRejection);
    }
    if (failures.length > 0) throw failures[0];
    log(`Registered ${recorder.resources.length} resources`);

    const artifacts = renderArtifacts(recorder.resources);
    const tree = resourceTree(recorder.resources);
    const summary = planSummary(stack, recorder.resources, Object.keys(artifacts));
    artifacts["resources.txt"] = `${tree}\n`;
    artifacts["summary.txt"] = `${summary}\n`;
    if (options.outDir) {
        fs.rmSync(options.outDir, { recursive: true, force: true });
        for (const [file, content] of Object.entries(artifacts)) {
            const target = path.join(options.outDir, file);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, content);
        }
        log(`Wrote ${Object.keys(artifacts).length} artifacts to ${options.outDir}`);
    }
    return { stack, resources: recorder.resources, artifacts, tree, summary };
}

/** Inputs with secrets replaced by a marker: artifacts are for review, never for credentials. */
function redacted(value: any): any {
    if (isSecretValue(value)) return "[secret]";
    if (Array.isArray(value)) return value.map(redacted);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "__provider").map(([k, v]) => [k, redacted(v)]));
    return value;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

function renderArtifacts(resources: RegisteredResource[]): Record<string, string> {
    const out: Record<string, string> = {};
    const of = (type: string) => resources.filter((r) => r.type === type && !r.read);
    // A consuming cluster's releases and custom resources go under consumers/<name>/; the Vault's own release stays at the top.
    const consumerOf = (r: RegisteredResource) => {
        const parent = resources.find((x) => x.urn === r.parent);
        return parent?.type === "vault-cluster:index:VaultConsumerCluster" ? parent.name : undefined;
    };
    for (const r of resources.filter((x) => consumerOf(x) !== undefined && (x.type === "kubernetes:helm.sh/v3:Release" || x.type.startsWith("kubernetes:") && x.inputs.spec !== undefined))) {
        const dir = `consumers/${consumerOf(r)}`;
        if (r.type === "kubernetes:helm.sh/v3:Release") out[`${dir}/${r.inputs.name}.values.yaml`] = toYaml(redacted(r.inputs.values), { lineWidth: 0 });
        else out[`${dir}/custom-resources.yaml`] = `${out[`${dir}/custom-resources.yaml`] ?? ""}---\n${toYaml(redacted({ apiVersion: r.inputs.apiVersion, kind: r.inputs.kind, metadata: r.inputs.metadata, spec: r.inputs.spec }), { lineWidth: 0 })}`;
    }
    for (const release of of("kubernetes:helm.sh/v3:Release").filter((r) => consumerOf(r) === undefined)) {
        out["chart-values.yaml"] = toYaml(redacted(release.inputs.values), { lineWidth: 0 });
        const ha = unwrapSecrets(release.inputs.values).server?.ha ?? {};
        out["server.hcl"] = ha.raft?.enabled ? ha.raft.config : ha.config;
        out["release.json"] = json(redacted({ ...release.inputs, values: undefined }));
    }
    for (const role of of("aws:iam/role:Role")) out["iam/trust-policy.json"] = json(JSON.parse(role.inputs.assumeRolePolicy));
    for (const policy of of("aws:iam/rolePolicy:RolePolicy")) out["iam/permissions.json"] = json(JSON.parse(policy.inputs.policy));
    for (const key of of("aws:kms/key:Key")) out["iam/kms-key-policy.json"] = json(JSON.parse(key.inputs.policy));
    for (const policy of of("vault:index/policy:Policy")) out[`vault/policies/${policy.inputs.name}.hcl`] = policy.inputs.policy;
    for (const init of of("pulumi-nodejs:dynamic:Resource")) {
        const inputs = unwrapSecrets(init.inputs);
        out["vault/init.json"] = json(redacted({ ...init.inputs, apiAddress: "[port-forward to the active pod, or bootstrap.address]", replicaAddresses: undefined, caCertPem: undefined, replicaCaCertPem: undefined, adminPolicyHcl: undefined }));
        if (inputs.revokeRootToken) out["vault/policies/pulumi-admin.hcl"] = `# Written by the init step for Pulumi's admin AppRole identity.\n${inputs.adminPolicyHcl}`;
    }
    const roleTypes: Record<string, string> = {
        "vault:kubernetes/authBackendRole:AuthBackendRole": "roleName",
        "vault:jwt/authBackendRole:AuthBackendRole": "roleName",
        "vault:appRole/authBackendRole:AuthBackendRole": "roleName",
        "vault:aws/secretBackendRole:SecretBackendRole": "name",
    };
    for (const [type, nameKey] of Object.entries(roleTypes)) {
        for (const role of of(type)) {
            const mount = role.inputs.backend;
            out[`vault/roles/${mount}/${role.inputs[nameKey]}.json`] = json(redacted(role.inputs));
        }
    }
    const mounts = resources.filter((r) => /^vault:(index\/(mount|authBackend|audit):|jwt\/authBackend:|aws\/secretBackend:|kubernetes\/authBackendConfig:)/.test(r.type));
    if (mounts.length > 0) out["vault/mounts.json"] = json(mounts.map((m) => ({ type: m.type, ...redacted(m.inputs) })));
    return out;
}

function resourceTree(resources: RegisteredResource[]): string {
    const children = new Map<string, RegisteredResource[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const lines: string[] = [];
    const walk = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const flags = [r.read ? "read" : "", r.protect ? "protected" : "", r.retainOnDelete ? "retained on delete" : ""].filter(Boolean);
            lines.push(`${"  ".repeat(depth)}${r.type}  ${r.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    const urns = new Set(resources.map((r) => r.urn));
    for (const root of resources.filter((r) => !r.parent || !urns.has(r.parent))) {
        lines.push(`${root.type}  ${root.name}`);
        walk(root.urn, 1);
    }
    return lines.join("\n");
}

function planSummary(stack: string, resources: RegisteredResource[], artifacts: string[]): string {
    const counts = new Map<string, number>();
    for (const r of resources.filter((x) => x.custom && !x.read)) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const protectedOnes = resources.filter((r) => r.protect).map((r) => `${r.type} ${r.name}`);
    return [
        `Stack ${stack}: ${[...counts.values()].reduce((a, b) => a + b, 0)} resources to create (${resources.filter((r) => !r.custom).length} components)`,
        ...[...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `  ${String(n).padStart(3)}  ${type}`),
        `Protected (refuse deletion): ${protectedOnes.length ? protectedOnes.join("; ") : "none"}`,
        `Artifacts: ${artifacts.sort().join(", ")}`,
    ].join("\n");
}

async function main(argv: string[]): Promise<number> {
    const outIndex = argv.indexOf("--out");
    const outDir = outIndex >= 0 ? argv[outIndex + 1] : undefined;
    const stack = argv.filter((a, i) => !a.startsWith("--") && i !== outIndex + 1 || (outIndex < 0 && !a.startsWith("--")))[0];
    if (!stack) {
        process.stderr.write(`usage: npm run plan -- <stack> [--out <dir>]   (stacks: ${stackNames().join(", ")})\n`);
        return 2;
    }
    try {
        const result = await plan(stack, { outDir: outDir ?? path.join(ROOT, "plan-out", stack), log: (m) => process.stderr.write(`${m}\n`) });
        process.stdout.write(`${result.tree}\n\n${result.summary}\n`);
        return 0;
    } catch (e) {
        process.stderr.write(`Plan for stack ${stack} failed:\n${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
