/**
 * Helpers for test/examples.test.ts: loading the examples, validating Kubernetes documents against strict
 * Kubernetes 1.32 schemas and CRD schemas (test/fixtures/), and cross-checking the Vault names an example uses
 * against the stack configuration it pairs with (stacks/Pulumi.<stack>.yaml).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";
import Ajv from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { clusterNames } from "../../components";
import type { PolicyRule, VaultConfigArgs } from "../../components";
import { parseHcl } from "./hcl";

export const ROOT = join(__dirname, "..", "..");
export const EXAMPLES_DIR = join(ROOT, "examples");
const FIXTURES = join(ROOT, "test", "fixtures");

/** Repository-relative path, for messages. */
export const rel = (file: string): string => relative(ROOT, file);

// ---------------------------------------------------------------------------------------------------------------
// Loading

/** Every file below `dir`, recursively, sorted. */
export function filesUnder(dir: string): string[] {
    return readdirSync(dir).sort().flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** YAML files under examples/ that are not Kubernetes manifests. Everything else must be one. */
export const NOT_KUBERNETES: RegExp[] = [/(^|\/)\.gitlab-ci\.ya?ml$/, /(^|\/)Pulumi(\.[^/]+)?\.ya?ml$/];

export interface KubeDoc {
    /** Repository-relative file. */
    file: string;
    /** Position in the multi-document file, from 0. */
    index: number;
    doc: any;
}

export const describeDoc = (d: KubeDoc): string =>
    `${d.file}#${d.index} (${d.doc?.kind ?? "?"} ${d.doc?.metadata?.namespace ? `${d.doc.metadata.namespace}/` : ""}${d.doc?.metadata?.name ?? "?"})`;

/** Parses every document of a YAML file; syntax errors and duplicate keys throw with the file name. */
export function parseYamlDocuments(file: string): any[] {
    const docs = parseAllDocuments(readFileSync(file, "utf8"), { uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const d of list) {
        if (d.errors.length > 0) throw new Error(`${rel(file)}: ${d.errors.map((e) => e.message).join("; ")}`);
    }
    return list.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
}

/** The Kubernetes documents of one example folder (or of all examples). */
export function kubernetesDocuments(dir = EXAMPLES_DIR): KubeDoc[] {
    return filesUnder(dir)
        .filter((f) => /\.ya?ml$/.test(f) && !NOT_KUBERNETES.some((re) => re.test(f)))
        .flatMap((f) => parseYamlDocuments(f).map((doc, index) => ({ file: rel(f), index, doc })));
}

export interface ExampleInfo {
    name: string;
    dir: string;
    /** The stack the example pairs with (`example.json`), or null for a self-contained program. */
    stack: string | null;
    /** More stacks it works with after the documented changes (e.g. another `aud`). */
    variants: { stack: string; aud?: string }[];
}

export function examples(): ExampleInfo[] {
    return readdirSync(EXAMPLES_DIR).sort()
        .filter((name) => statSync(join(EXAMPLES_DIR, name)).isDirectory())
        .map((name) => {
            const dir = join(EXAMPLES_DIR, name);
            const meta = existsSync(join(dir, "example.json")) ? JSON.parse(readFileSync(join(dir, "example.json"), "utf8")) : {};
            return { name, dir, stack: meta.stack === undefined ? undefined : meta.stack, variants: meta.variants ?? [] } as ExampleInfo;
        });
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas

export type SchemaSource = "kubernetes-1.32-strict" | "crd";

export interface SchemaEntry {
    source: SchemaSource;
    /** Fixture file or reference the schema comes from. */
    origin: string;
    schema: Record<string, any>;
    validate?: ValidateFunction;
}

/** `group/version/Kind` (core group: `version/Kind`). */
export const gvk = (apiVersion: string, kind: string): string => `${apiVersion}/${kind}`;

/**
 * Adds `additionalProperties: false` wherever `properties` are listed, unless the node preserves unknown fields or
 * already says something about additional properties: a CRD's structural schema then rejects what the API server
 * would prune (a misspelled field silently dropped on apply).
 */
export function closeSchema(node: any): any {
    if (Array.isArray(node)) return node.map(closeSchema);
    if (node === null || typeof node !== "object") return node;
    const out: Record<string, any> = {};
    for (const [key, value] of Object.entries(node)) {
        if (key === "properties" && value && typeof value === "object") {
            out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closeSchema(v)]));
        } else if (["items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"].includes(key)) {
            out[key] = closeSchema(value);
        } else {
            out[key] = value;
        }
    }
    if (out.properties && out["x-kubernetes-preserve-unknown-fields"] !== true && out.additionalProperties === undefined) {
        out.additionalProperties = false;
    }
    return out;
}

let shared: SchemaRegistry | undefined;

/** One registry for the whole test run: the External Secrets CRDs alone are 1.4 MB of YAML to parse. */
export const schemaRegistry = (): SchemaRegistry => (shared ??= new SchemaRegistry());

/**
 * CRD patterns are Go regular expressions: a leading `(?i)` (after `^` too; case-insensitive, e.g. in the PrometheusRule CRD) becomes
 * the `i` flag; the rest of the syntax they use is the same in JavaScript.
 */
const goRegExp = Object.assign(
    (pattern: string, flags: string) => (/^\^?\(\?i\)/.test(pattern) ? new RegExp(pattern.replace("(?i)", ""), `${flags}i`) : new RegExp(pattern, flags)),
    { code: "new RegExp" },
);

/** Schemas by `group/version/Kind`: strict Kubernetes, then CRDs. */
export class SchemaRegistry {
    readonly entries = new Map<string, SchemaEntry>();
    private readonly ajv: Ajv;

    constructor() {
        this.ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: goRegExp } });
        addFormats(this.ajv);
        const strictDir = join(FIXTURES, "kubernetes-1.32-strict");
        let objectMeta: Record<string, any> | undefined;
        for (const file of readdirSync(strictDir).filter((f) => f.endsWith(".json")).sort()) {
            const { $schema: _ignored, ...schema } = JSON.parse(readFileSync(join(strictDir, file), "utf8"));
            for (const g of schema["x-kubernetes-group-version-kind"] ?? []) {
                const apiVersion = g.group ? `${g.group}/${g.version}` : g.version;
                this.entries.set(gvk(apiVersion, g.kind), { source: "kubernetes-1.32-strict", origin: `test/fixtures/kubernetes-1.32-strict/${file}`, schema });
            }
            objectMeta ??= schema.properties?.metadata;
        }
        if (!objectMeta) throw new Error("no ObjectMeta schema in test/fixtures/kubernetes-1.32-strict");
        // Custom resources: the CRD's own schema has `metadata: { type: object }`; the API server validates it as
        // ObjectMeta, so check it with the strict ObjectMeta.
        const crdDir = join(FIXTURES, "crds");
        for (const file of readdirSync(crdDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
            for (const crd of parseYamlDocuments(join(crdDir, file))) {
                if (crd.kind !== "CustomResourceDefinition") continue;
                for (const v of crd.spec.versions) {
                    const s = closeSchema(v.schema.openAPIV3Schema);
                    s.properties.metadata = objectMeta;
                    this.entries.set(gvk(`${crd.spec.group}/${v.name}`, crd.spec.names.kind), { source: "crd", origin: `test/fixtures/crds/${file} (${v.name})`, schema: s });
                }
            }
        }
    }

    entry(apiVersion: string, kind: string): SchemaEntry | undefined {
        return this.entries.get(gvk(apiVersion, kind));
    }

    /** Validation errors of one document, as readable lines; [] when valid. */
    validate(doc: any): string[] {
        if (typeof doc?.apiVersion !== "string" || typeof doc?.kind !== "string") return ["has no apiVersion/kind"];
        const e = this.entry(doc.apiVersion, doc.kind);
        if (!e) return [`no schema for ${gvk(doc.apiVersion, doc.kind)}: add its schema to test/fixtures`];
        e.validate ??= this.ajv.compile(e.schema);
        const errors = e.validate(doc) ? [] : formatErrors(e.validate.errors ?? []);
        return [...errors, ...metadataProblems(doc)];
    }
}

function formatErrors(errors: ErrorObject[]): string[] {
    return errors.map((e) => {
        const where = e.instancePath || "/";
        if (e.keyword === "additionalProperties") return `${where}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
        if (e.keyword === "enum") return `${where}: ${e.message} (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`;
        return `${where}: ${e.message}`;
    });
}

const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function keyProblem(key: string): string | undefined {
    const slash = key.lastIndexOf("/");
    const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
    if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `prefix "${prefix}" is not a DNS subdomain`;
    if (!QUALIFIED_NAME.test(name)) return `name "${name}" is not a qualified name (at most 63 characters, alphanumerics, '-', '_', '.')`;
    return undefined;
}

/** What the API server checks in labels and annotations beyond the schema: key syntax, label value syntax. */
function metadataProblems(doc: any): string[] {
    const problems: string[] = [];
    const check = (meta: any, where: string) => {
        for (const [kind, map] of [["labels", meta?.labels], ["annotations", meta?.annotations]] as const) {
            for (const [k, v] of Object.entries((map ?? {}) as Record<string, unknown>)) {
                const p = keyProblem(k);
                if (p) problems.push(`${where}/${kind}: key "${k}": ${p}`);
                if (kind === "labels" && (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v))) problems.push(`${where}/labels: value of "${k}" is not a label value`);
            }
        }
    };
    check(doc.metadata, "/metadata");
    if (doc.spec?.template?.metadata) check(doc.spec.template.metadata, "/spec/template/metadata");
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Stack configuration

export interface StackInfo {
    name: string;
    /** Repository-relative stack file. */
    file: string;
    /** `config["vault-cluster:environment"].cluster`. */
    cluster: Record<string, any>;
    /**
     * `cluster.config`, with the Kubernetes auth of the stack's consuming clusters (`consumers[].args.kubernetesAuth`)
     * added: mounts they create, and roles they put on existing mounts.
     */
    config: VaultConfigArgs;
}

export function loadStack(name: string): StackInfo {
    const file = join(ROOT, "stacks", `Pulumi.${name}.yaml`);
    if (!existsSync(file)) throw new Error(`${rel(file)} does not exist`);
    const environment = parseYaml(readFileSync(file, "utf8"))?.config?.["vault-cluster:environment"];
    const cluster = environment?.cluster;
    if (!cluster || typeof cluster !== "object") throw new Error(`${rel(file)}: no config["vault-cluster:environment"].cluster object`);
    const config: VaultConfigArgs = { ...(cluster.config ?? {}), kubernetesAuth: (cluster.config?.kubernetesAuth ?? []).map((k: object) => ({ ...k })) };
    for (const consumer of environment.consumers ?? []) {
        const auth = consumer.args?.kubernetesAuth;
        if (!auth) continue;
        const existing = config.kubernetesAuth!.find((k) => (k.path ?? "kubernetes") === auth.path);
        if (auth.createMount === false && existing) existing.roles = { ...existing.roles, ...auth.roles };
        else config.kubernetesAuth!.push({ path: auth.path, roles: auth.roles ?? {} });
    }
    return { name, file: rel(file), cluster, config };
}

/** The addresses a client can reach the stack's Vault by: the in-cluster service, and the ingress URL if any. */
export function stackAddresses(stack: StackInfo): string[] {
    const c = stack.cluster;
    const scheme = c.tls?.enabled === false ? "http" : "https";
    const addresses = [clusterNames(c.releaseName ?? "vault", c.namespace ?? "vault", 1, scheme).address];
    if (c.ingress?.host) addresses.push(`https://${c.ingress.host}`);
    return addresses;
}

// ---------------------------------------------------------------------------------------------------------------
// Vault ACL policies

function wildcardIndex(pattern: string): number {
    const segments = pattern.split("/");
    let offset = 0;
    for (const s of segments) {
        if (s === "+") return offset;
        offset += s.length + 1;
    }
    return pattern.endsWith("*") ? pattern.length - 1 : Infinity;
}

const plusCount = (pattern: string): number => pattern.split("/").filter((s) => s === "+").length;

/**
 * Whether a policy path matches a request path, as Vault does: a trailing `*` is a prefix match (on characters,
 * not segments), a `+` segment matches exactly one path segment, everything else is literal.
 */
export function policyPathMatches(pattern: string, path: string): boolean {
    const glob = pattern.endsWith("*");
    const body = glob ? pattern.slice(0, -1) : pattern;
    const source = body.split("/").map((s) => (s === "+" ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
    return new RegExp(`^${source}${glob ? "" : "$"}`).test(path);
}

/** Vault's priority between two matching policy paths: positive when `a` wins. */
export function comparePolicyPaths(a: string, b: string): number {
    const wa = wildcardIndex(a), wb = wildcardIndex(b);
    if (wa !== wb) return wa > wb ? 1 : -1; // the first wildcard later wins
    const ga = a.endsWith("*"), gb = b.endsWith("*");
    if (ga !== gb) return ga ? -1 : 1; // no trailing glob wins
    const pa = plusCount(a), pb = plusCount(b);
    if (pa !== pb) return pa < pb ? 1 : -1; // fewer + segments win
    if (a.length !== b.length) return a.length > b.length ? 1 : -1; // longer wins
    return a === b ? 0 : a > b ? 1 : -1; // lexicographically larger wins
}

/**
 * The capabilities a token holding `rules` (from all its policies) has on `path`: rules with the same path are
 * merged, the highest-priority matching path decides, and `deny` there removes everything.
 */
export function effectiveCapabilities(rules: PolicyRule[], path: string): { path?: string; capabilities: string[] } {
    const merged = new Map<string, Set<string>>();
    for (const r of rules) {
        if (!policyPathMatches(r.path, path)) continue;
        const caps = merged.get(r.path) ?? new Set<string>();
        r.capabilities.forEach((c) => caps.add(c));
        merged.set(r.path, caps);
    }
    const best = [...merged.keys()].sort(comparePolicyPaths).pop();
    if (best === undefined) return { capabilities: [] };
    const caps = merged.get(best)!;
    return { path: best, capabilities: caps.has("deny") ? [] : [...caps].sort() };
}

/** Rules of a policy given as a rule list or as HCL text (parsed with HashiCorp's HCL parser). */
async function policyRules(policy: string | PolicyRule[]): Promise<PolicyRule[]> {
    if (Array.isArray(policy)) return policy;
    const parsed = await parseHcl(policy);
    return Object.entries((parsed.path ?? {}) as Record<string, { capabilities?: string[] }[]>)
        .flatMap(([path, blocks]) => blocks.map((b) => ({ path, capabilities: b.capabilities ?? [] })));
}

// ---------------------------------------------------------------------------------------------------------------
// What an example asks of Vault

export type AuthUse =
    | { method: "kubernetes"; mount: string; role: string; serviceAccount: string; namespace: string; audiences?: string[] }
    | { method: "approle"; mount: string; role: string }
    | { method: "jwt"; mount: string; role: string; audience: string };

export interface VaultUse {
    /** Where it is declared, for messages: `examples/x/y.yaml (Deployment default/devwebapp)`. */
    where: string;
    auth: AuthUse;
    /** API paths read, e.g. `my-kv/data/my-secret`. */
    reads: string[];
    /** KV reads given as mount + path (CLI `-mount`, VSO, ESO): checked against the mount's KV version. */
    kvReads: { mount: string; path: string; version?: 1 | 2 }[];
    /** The Vault address the example uses, when it names one. */
    address?: string;
}

const INJECT = "vault.hashicorp.com/";

/** Extracts what each workload, custom resource or CI job of an example needs from Vault. */
export function vaultUses(dir: string): { uses: VaultUse[]; problems: string[] } {
    const docs = kubernetesDocuments(dir);
    const uses: VaultUse[] = [];
    const problems: string[] = [];
    const find = (kind: string, name: string, namespace: string) =>
        docs.find((d) => d.doc.kind === kind && d.doc.metadata?.name === name && (d.doc.metadata?.namespace ?? "default") === namespace);
    const ref = (value: string, namespace: string) => (value.includes("/") ? { namespace: value.split("/")[0], name: value.split("/")[1] } : { namespace, name: value });

    for (const d of docs) {
        const doc = d.doc;
        const ns: string = doc.metadata?.namespace ?? "default";
        const where = describeDoc(d);
        const pod = doc.spec?.template;
        if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(doc.kind) && pod) {
            const sa: string = pod.spec?.serviceAccountName ?? "default";
            const a: Record<string, string> = pod.metadata?.annotations ?? {};
            if (a[`${INJECT}agent-inject`] === "true") {
                const role = a[`${INJECT}role`];
                if (!role) problems.push(`${where}: agent-inject without ${INJECT}role`);
                const mount = (a[`${INJECT}auth-path`] ?? "auth/kubernetes").replace(/^\/?auth\//, "");
                const reads = Object.entries(a).filter(([k]) => k.startsWith(`${INJECT}agent-inject-secret-`)).map(([, v]) => v);
                for (const [k, template] of Object.entries(a)) {
                    if (!k.startsWith(`${INJECT}agent-inject-template-`)) continue;
                    for (const m of template.matchAll(/\bsecret\s+"([^"]+)"/g)) reads.push(m[1]);
                }
                uses.push({ where, auth: { method: "kubernetes", mount, role: role ?? "", serviceAccount: sa, namespace: ns }, reads: [...new Set(reads)], kvReads: [] });
            }
            for (const v of pod.spec?.volumes ?? []) {
                if (v.csi?.driver !== "secrets-store.csi.k8s.io") continue;
                const spcName = v.csi.volumeAttributes?.secretProviderClass;
                const spc = spcName && find("SecretProviderClass", spcName, ns);
                if (!spc) {
                    problems.push(`${where}: volume ${v.name} uses SecretProviderClass "${spcName}", which is not in ${rel(dir)}`);
                    continue;
                }
                const p = spc.doc.spec?.parameters ?? {};
                if (spc.doc.spec?.provider !== "vault") continue;
                const objects: { secretPath?: string }[] = parseYaml(p.objects ?? "[]") ?? [];
                uses.push({
                    where: `${where} with ${describeDoc(spc)}`,
                    auth: { method: "kubernetes", mount: p.vaultKubernetesMountPath ?? "kubernetes", role: p.roleName ?? "", serviceAccount: sa, namespace: ns },
                    reads: [...new Set(objects.map((o) => o.secretPath ?? ""))],
                    kvReads: [],
                    address: p.vaultAddress,
                });
            }
        }
        if (doc.apiVersion?.startsWith("secrets.hashicorp.com/") && ["VaultStaticSecret", "VaultDynamicSecret"].includes(doc.kind)) {
            const s = doc.spec ?? {};
            if (!s.vaultAuthRef) {
                problems.push(`${where}: no vaultAuthRef (the operator's default VaultAuth is not part of the example)`);
                continue;
            }
            const r = ref(s.vaultAuthRef, ns);
            const auth = find("VaultAuth", r.name, r.namespace);
            if (!auth) {
                problems.push(`${where}: VaultAuth ${r.namespace}/${r.name} is not in ${rel(dir)}`);
                continue;
            }
            const a = auth.doc.spec ?? {};
            let authUse: AuthUse | undefined;
            if (a.method === "kubernetes") {
                authUse = { method: "kubernetes", mount: a.mount ?? "", role: a.kubernetes?.role ?? "", serviceAccount: a.kubernetes?.serviceAccount ?? "", namespace: ns, audiences: a.kubernetes?.audiences };
            } else if (a.method === "appRole") {
                const role = auth.doc.metadata?.annotations?.["examples.pulumi-vault-cluster/approle-role"];
                if (!role) problems.push(`${describeDoc(auth)}: an appRole VaultAuth needs the annotation examples.pulumi-vault-cluster/approle-role naming the role its roleId belongs to`);
                authUse = { method: "approle", mount: a.mount ?? "", role: role ?? "" };
            } else {
                problems.push(`${describeDoc(auth)}: method ${a.method} is not cross-checked`);
            }
            let address: string | undefined;
            if (a.vaultConnectionRef) {
                const c = ref(a.vaultConnectionRef, auth.doc.metadata?.namespace ?? "default");
                const conn = find("VaultConnection", c.name, c.namespace);
                if (!conn) problems.push(`${describeDoc(auth)}: VaultConnection ${c.namespace}/${c.name} is not in ${rel(dir)}`);
                else {
                    address = conn.doc.spec?.address;
                    const caRef = conn.doc.spec?.caCertSecretRef;
                    const caSecret = caRef && find("Secret", caRef, c.namespace);
                    if (caRef && !caSecret) problems.push(`${describeDoc(conn)}: CA Secret ${c.namespace}/${caRef} is not in ${rel(dir)}`);
                    if (caSecret && !(caSecret.doc.stringData?.["ca.crt"] ?? caSecret.doc.data?.["ca.crt"])) problems.push(`${describeDoc(caSecret)}: no key ca.crt`);
                }
            }
            if (!authUse) continue;
            if (doc.kind === "VaultStaticSecret") {
                const version = s.type === "kv-v1" ? 1 : 2;
                uses.push({ where, auth: authUse, reads: [], kvReads: [{ mount: s.mount, path: s.path, version }], address });
            } else {
                uses.push({ where, auth: authUse, reads: [`${s.mount}/${String(s.path).replace(/^\/+/, "")}`], kvReads: [], address });
            }
        }
        if (doc.apiVersion?.startsWith("external-secrets.io/") && doc.kind === "ExternalSecret") {
            const storeRef = doc.spec?.secretStoreRef ?? {};
            if ((storeRef.kind ?? "SecretStore") !== "SecretStore") {
                problems.push(`${where}: secretStoreRef kind ${storeRef.kind} is not cross-checked`);
                continue;
            }
            const store = find("SecretStore", storeRef.name, ns);
            if (!store) {
                problems.push(`${where}: SecretStore ${ns}/${storeRef.name} is not in ${rel(dir)}`);
                continue;
            }
            const v = store.doc.spec?.provider?.vault;
            if (!v) continue;
            const k = v.auth?.kubernetes;
            if (!k) {
                problems.push(`${describeDoc(store)}: only Kubernetes auth is cross-checked`);
                continue;
            }
            if (!k.serviceAccountRef?.name) problems.push(`${describeDoc(store)}: no serviceAccountRef: the cross-check cannot tell which service account logs in`);
            const version = (v.version ?? "v2") === "v1" ? 1 : 2;
            const kvReads = (doc.spec?.data ?? []).map((item: any) => {
                const key = String(item.remoteRef?.key ?? "").replace(/^\/+/, "");
                // Without `path`, the key starts with the mount.
                return v.path ? { mount: String(v.path).replace(/\/+$/, ""), path: key, version } : { mount: key.split("/")[0], path: key.split("/").slice(1).join("/"), version };
            });
            uses.push({
                where: `${where} with ${describeDoc(store)}`,
                auth: { method: "kubernetes", mount: k.mountPath ?? "kubernetes", role: k.role ?? "", serviceAccount: k.serviceAccountRef?.name ?? "", namespace: ns, audiences: k.serviceAccountRef?.audiences },
                reads: [],
                kvReads,
                address: v.server,
            });
        }
    }
    for (const f of filesUnder(dir).filter((f) => /(^|\/)\.gitlab-ci\.ya?ml$/.test(f))) {
        const r = gitlabUses(f);
        uses.push(...r.uses);
        problems.push(...r.problems);
    }
    return { uses, problems };
}

const GITLAB_RESERVED = new Set(["default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script", "after_script", "spec"]);

/** Vault logins and reads of the jobs of a GitLab CI file. */
export function gitlabUses(file: string): { uses: VaultUse[]; problems: string[] } {
    const ci = parseYaml(readFileSync(file, "utf8")) ?? {};
    const uses: VaultUse[] = [];
    const problems: string[] = [];
    for (const [name, job] of Object.entries(ci as Record<string, any>)) {
        if (GITLAB_RESERVED.has(name) || name.startsWith(".") || !job || typeof job !== "object" || !Array.isArray(job.script)) continue;
        const where = `${rel(file)} (job ${name})`;
        const script: string[] = job.script.map(String);
        const login = script.map((l) => l.match(/\bvault\s+write\b.*?\bauth\/(\S+?)\/login\b(.*)/)).find((m) => m);
        if (!login) continue;
        const role = login[2].match(/\brole=("?)([^"\s]+)\1/)?.[2];
        const tokenVar = login[2].match(/\bjwt=("?)\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?\1/)?.[2];
        const aud = tokenVar ? job.id_tokens?.[tokenVar]?.aud : undefined;
        if (!role) problems.push(`${where}: the login names no role=`);
        if (!tokenVar) problems.push(`${where}: the login passes no jwt=$<ID token variable>`);
        else if (aud === undefined) problems.push(`${where}: ${tokenVar} is not declared in id_tokens with an aud`);
        const kvReads: VaultUse["kvReads"] = [];
        for (const line of script) {
            const kv = line.match(/\bvault\s+kv\s+get\s+(.*?)(?:\)|"|$)/);
            if (!kv) continue;
            const args = kv[1].trim().split(/\s+/);
            const mountFlag = args.find((a) => a.startsWith("-mount="))?.slice("-mount=".length);
            const path = args.filter((a) => !a.startsWith("-")).pop() ?? "";
            kvReads.push(mountFlag ? { mount: mountFlag, path } : { mount: path.split("/")[0], path: path.split("/").slice(1).join("/") });
        }
        for (const a of Array.isArray(aud) ? aud : [aud]) {
            uses.push({
                where,
                auth: { method: "jwt", mount: login[1], role: role ?? "", audience: String(a) },
                reads: [],
                kvReads,
                address: job.variables?.VAULT_ADDR ?? ci.variables?.VAULT_ADDR,
            });
        }
    }
    return { uses, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// The cross-check

export interface CrossCheckOptions {
    /** Check the Vault address the example names against the stack's. Default true. */
    checkAddress?: boolean;
    /** Replace the audience of JWT logins (a documented variant, e.g. dev's GitLab audience). */
    jwtAudience?: string;
}

/**
 * Every role, mount and secret path an example uses must exist in the stack's configuration, the role must bind the
 * example's identity, and the role's policies must grant `read` on every path it reads. Returns the mismatches,
 * each naming the example file and the missing item.
 */
export async function crossCheck(dir: string, stack: StackInfo, options: CrossCheckOptions = {}): Promise<string[]> {
    const { uses, problems } = vaultUses(dir);
    if (uses.length === 0) problems.push(`${rel(dir)}: uses no Vault role at all (nothing to cross-check)`);
    const c = stack.config;
    const in_ = `in ${stack.file}`;
    const list = (xs: string[]) => (xs.length ? xs.map((x) => `"${x}"`).join(", ") : "none");
    const kvMounts = (c.kvMounts ?? []).map((m) => ({ path: m.path.replace(/^\/+|\/+$/g, ""), version: m.version ?? 2 }));
    const awsEngines = (c.secretsEngines?.aws ?? []).map((a) => ({ path: (a.path ?? "aws").replace(/^\/+|\/+$/g, ""), roles: Object.keys(a.roles ?? {}) }));
    const transit = (c.secretsEngines?.transit ?? []).map((t) => (t.path ?? "transit").replace(/^\/+|\/+$/g, ""));
    const addresses = stackAddresses(stack);

    for (const use of uses) {
        const fail = (msg: string) => problems.push(`${use.where}: ${msg}`);
        const a = use.auth;
        let policies: string[] | undefined;
        if (a.method === "kubernetes") {
            const mounts = (c.kubernetesAuth ?? []).map((k) => k.path ?? "kubernetes");
            const mount = (c.kubernetesAuth ?? []).find((k) => (k.path ?? "kubernetes") === a.mount);
            const role = mount?.roles?.[a.role];
            if (!mount) fail(`Kubernetes auth mount "${a.mount}" is not ${in_} (Kubernetes auth mounts: ${list(mounts)})`);
            else if (!role) fail(`Kubernetes auth role "${a.role}" is not on mount "${a.mount}" ${in_} (roles: ${list(Object.keys(mount.roles ?? {}))})`);
            else {
                if (!role.serviceAccountNames.includes(a.serviceAccount) && !role.serviceAccountNames.includes("*")) {
                    fail(`role "${a.role}" does not bind service account "${a.serviceAccount}" ${in_} (serviceAccountNames: ${list(role.serviceAccountNames)})`);
                }
                if (!role.namespaces.includes(a.namespace) && !role.namespaces.includes("*")) {
                    fail(`role "${a.role}" does not bind namespace "${a.namespace}" ${in_} (namespaces: ${list(role.namespaces)})`);
                }
                if (role.audience !== undefined && !(a.audiences ?? []).includes(role.audience)) {
                    fail(`role "${a.role}" requires token audience "${role.audience}" ${in_}, the example requests ${a.audiences ? list(a.audiences) : "the default audience"}`);
                }
                policies = role.policies;
            }
        } else if (a.method === "approle") {
            const mounts = (c.appRoleAuth ?? []).map((m) => m.path ?? "approle");
            const mount = (c.appRoleAuth ?? []).find((m) => (m.path ?? "approle") === a.mount);
            const role = mount?.roles?.[a.role];
            if (!mount) fail(`AppRole auth mount "${a.mount}" is not ${in_} (AppRole mounts: ${list(mounts)})`);
            else if (!role) fail(`AppRole role "${a.role}" is not on mount "${a.mount}" ${in_} (roles: ${list(Object.keys(mount.roles ?? {}))})`);
            else policies = role.policies;
        } else {
            const mounts = (c.jwtAuth ?? []).map((m) => m.path ?? "jwt");
            const mount = (c.jwtAuth ?? []).find((m) => (m.path ?? "jwt") === a.mount);
            const role = mount?.roles?.[a.role];
            const audience = options.jwtAudience ?? a.audience;
            if (!mount) fail(`JWT auth mount "${a.mount}" is not ${in_} (JWT mounts: ${list(mounts)})`);
            else if (!role) fail(`JWT role "${a.role}" is not on mount "${a.mount}" ${in_} (roles: ${list(Object.keys(mount.roles ?? {}))})`);
            else {
                if (!role.boundAudiences.includes(audience)) fail(`JWT role "${a.role}" does not accept audience "${audience}" ${in_} (boundAudiences: ${list(role.boundAudiences)})`);
                policies = role.policies;
            }
        }

        // KV reads given as mount + path become API paths, by the mount's version.
        const reads = [...use.reads];
        for (const kv of use.kvReads) {
            const mount = kvMounts.find((m) => m.path === kv.mount.replace(/^\/+|\/+$/g, ""));
            if (!mount) {
                fail(`KV mount "${kv.mount}" is not ${in_} (KV mounts: ${list(kvMounts.map((m) => m.path))})`);
                continue;
            }
            if (kv.version !== undefined && kv.version !== mount.version) fail(`reads "${kv.mount}" as KV v${kv.version}, but it is KV v${mount.version} ${in_}`);
            reads.push(mount.version === 2 ? `${mount.path}/data/${kv.path.replace(/^\/+/, "")}` : `${mount.path}/${kv.path.replace(/^\/+/, "")}`);
        }
        // Every API path must land on a mounted secrets engine that has what is asked for.
        for (const path of reads) {
            const kv = kvMounts.filter((m) => path.startsWith(`${m.path}/`)).sort((x, y) => y.path.length - x.path.length)[0];
            const aws = awsEngines.find((e) => path.startsWith(`${e.path}/`));
            if (kv) {
                if (kv.version === 2 && !path.startsWith(`${kv.path}/data/`)) fail(`"${path}" is on KV v2 mount "${kv.path}" but not under ${kv.path}/data/`);
            } else if (aws) {
                const m = path.slice(aws.path.length + 1).match(/^(creds|sts)\/([^/]+)$/);
                if (!m) fail(`"${path}" is not a credentials path of the AWS engine at "${aws.path}" (creds/<role> or sts/<role>)`);
                else if (!aws.roles.includes(m[2])) fail(`AWS secrets engine role "${m[2]}" is not on mount "${aws.path}" ${in_} (roles: ${list(aws.roles)})`);
            } else if (!transit.some((t) => path.startsWith(`${t}/`))) {
                fail(`no secrets engine is mounted for "${path}" ${in_} (KV mounts: ${list(kvMounts.map((m) => m.path))}; AWS: ${list(awsEngines.map((e) => e.path))})`);
            }
        }
        // The role's policies must grant read on every path.
        if (policies) {
            const rules: PolicyRule[] = [];
            for (const p of policies) {
                if (p === "default") continue;
                const policy = c.policies?.[p];
                if (policy === undefined) {
                    if (!(c.existingPolicies ?? []).includes(p)) fail(`policy "${p}" of role "${a.role}" is not ${in_} (policies: ${list(Object.keys(c.policies ?? {}))})`);
                    continue;
                }
                rules.push(...(await policyRules(policy)));
            }
            for (const path of reads) {
                const e = effectiveCapabilities(rules, path);
                if (!e.capabilities.includes("read")) {
                    fail(`no policy of role "${a.role}" (${list(policies)}) grants read on "${path}" ${in_}` +
                        (e.path ? ` (the deciding rule "${e.path}" grants ${list(e.capabilities)})` : " (no rule matches)"));
                }
            }
        }
        if ((options.checkAddress ?? true) && use.address !== undefined && !addresses.includes(use.address.replace(/\/+$/, ""))) {
            fail(`Vault address "${use.address}" is not one of the stack's (${list(addresses)})`);
        }
    }
    return problems;
}
