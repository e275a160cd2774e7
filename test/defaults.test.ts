import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { resolveClusterSettings } from "../components/cluster/settings";
import { validateConfig } from "../components/config/vaultConfig";
import { validateAppAccess } from "../components/appAccess/vaultAppAccess";
import { validateConsumer } from "../components/consumer/vaultConsumerCluster";
import { FAKE_CLUSTER_CA_PEM } from "../components/testing/mocks";
import { ValueSlot } from "../components/chart/values";
import { TRANSIT_SEAL_FIELDS } from "../components/seal/transit";
import { IRSA, LOCAL } from "./support/cluster";

const schema = require("../components/args/argsSchema.json") as { definitions: Record<string, { properties?: Record<string, { "x-default"?: string }> }> };

/** How to reach each argument interface: the arguments that carry a value for one of its fields. */
const AWS = { irsa: IRSA };
const role = { serviceAccountNames: ["app"], namespaces: ["default"], policies: ["default"] };
/** A consumer cluster whose mount, created here, has the roles the consumer places log in with. */
const CONSUMER = {
    vaultAddress: "https://vault.example.com",
    kubernetesAuth: {
        path: "apps", host: "https://apps.example.com", caCert: FAKE_CLUSTER_CA_PEM,
        roles: { app: role, es: { ...role, serviceAccountNames: ["external-secrets"], namespaces: ["external-secrets"] } },
    },
};
const consumer = (args: object) => ({ component: "consumer" as const, args: { ...CONSUMER, ...args } });
const OIDC = { oidcDiscoveryUrl: "https://login.example.com", oidcClientId: "vault", oidcClientSecret: "client-secret", roles: {} };
const OIDC_ROLE = { allowedRedirectUris: ["http://localhost:8250/oidc/callback"], boundClaims: { groups: "ops" }, policies: ["default"] };
const vaultAuth = { method: "kubernetes", role: "app", serviceAccountName: "app" };
const PLACES: Record<string, (field: string, value: unknown) => { component: "cluster" | "config" | "app" | "consumer"; args: any }> = {
    VaultClusterArgs: (f, v) => ({ component: "cluster", args: { ...AWS, [f]: v } }),
    Storage: (f, v) => (["size", "storageClass"].includes(f)
        ? { component: "cluster", args: { ...LOCAL, storage: { type: "raft", [f]: v } } }
        : { component: "cluster", args: { ...AWS, storage: { type: "dynamodb", ...(/Capacity$/.test(f) ? { billingMode: "PROVISIONED" } : {}), [f]: v } } }),
    Seal: (f, v) => ({ component: "cluster", args: { ...AWS, seal: TRANSIT_SEAL_FIELDS.includes(f)
        ? { type: "transit", address: "https://keys.example.com:8200", keyName: "autounseal", token: "t", caCertPem: FAKE_CLUSTER_CA_PEM, [f]: v }
        : { type: "awskms", [f]: v } } }),
    Tls: (f, v) => ({ component: "cluster", args: { ...LOCAL, tls: { ...(f === "rsaBits" ? { algorithm: "RSA" } : {}), [f]: v } } }),
    Ingress: (f, v) => ({ component: "cluster", args: { ...LOCAL, ingress: { host: "vault.example.com", [f]: v } } }),
    Ui: (f, v) => ({ component: "cluster", args: { ...LOCAL, ui: { [f]: v } } }),
    Injector: (f, v) => ({ component: "cluster", args: { ...LOCAL, injector: { [f]: v } } }),
    AgentDefaults: (f, v) => ({ component: "cluster", args: { ...LOCAL, injector: { agentDefaults: { [f]: v } } } }),
    Csi: (f, v) => ({ component: "cluster", args: { ...LOCAL, csi: { [f]: v } } }),
    AuditStorage: (f, v) => ({ component: "cluster", args: { ...LOCAL, auditStorage: { [f]: v } } }),
    Server: (f, v) => ({ component: "cluster", args: { ...LOCAL, server: { [f]: v } } }),
    Chart: (f, v) => ({ component: "cluster", args: { ...LOCAL, chart: { [f]: v } } }),
    Bootstrap: (f, v) => ({ component: "cluster", args: { ...LOCAL, bootstrap: { ...LOCAL.bootstrap, [f]: v } } }),
    KeyCustody: (f, v) => ({ component: "cluster", args: { ...AWS, bootstrap: { custody: { type: "aws-secrets-manager", [f]: v } } } }),
    Monitoring: (f, v) => ({ component: "cluster", args: { ...LOCAL, monitoring: { ...(/^scrape/.test(f) ? { prometheusOperator: true } : {}), [f]: v } } }),
    AlertRules: (f, v) => ({ component: "cluster", args: { ...LOCAL, monitoring: { prometheusOperator: true, alerts: { [f]: v } } } }),
    Dashboard: (f, v) => ({ component: "cluster", args: { ...LOCAL, monitoring: { dashboard: { ...(f === "configMap" ? {} : { configMap: true }), [f]: v } } } }),
    Alarms: (f, v) => ({ component: "cluster", args: { ...AWS, alarms: { [f]: v } } }),
    Backup: (f, v) => ({ component: "cluster", args: { ...AWS, backup: { [f]: v } } }),
    RaftSnapshots: (f, v) => ({ component: "cluster", args: { ...LOCAL, ...(f === "retentionDays" ? { irsa: IRSA, seal: { type: "awskms" }, bootstrap: {} } : {}),
        backup: { raftSnapshots: { ...(["keep", "volumeSize"].includes(f) ? { target: "volume" } : {}), [f]: v } } } }),
    AwsBackup: (f, v) => ({ component: "cluster", args: { ...AWS, backup: { awsBackup: { ...(f === "enabled" ? {} : { enabled: true }), [f]: v } } } }),
    AuditRotation: (f, v) => ({ component: "cluster", args: { ...LOCAL, auditRotation: { [f]: v } } }),
    VaultConfigArgs: (f, v) => ({ component: "config", args: { [f]: v } }),
    VaultConfiguration: (f, v) => ({ component: "config", args: { [f]: v } }),
    AuditDevice: (f, v) => ({ component: "config", args: { auditDevices: [{ type: "syslog", [f]: v }] } }),
    KvMount: (f, v) => ({ component: "config", args: { kvMounts: [{ path: "kv", [f]: v }] } }),
    SecretsEngines: (f, v) => ({ component: "config", args: { secretsEngines: { [f]: v } } }),
    TransitEngine: (f, v) => ({ component: "config", args: { secretsEngines: { transit: [{ [f]: v }] } } }),
    TransitKey: (f, v) => ({ component: "config", args: { secretsEngines: { transit: [{ keys: { k: { [f]: v } } }] } } }),
    AwsEngine: (f, v) => ({ component: "config", args: { secretsEngines: { aws: [{ roles: {}, [f]: v }] } } }),
    AwsEngineRole: (f, v) => ({ component: "config", args: { secretsEngines: { aws: [{ roles: { r: { credentialType: "assumed_role", roleArns: ["arn:aws:iam::123456789012:role/r"], [f]: v } } }] } } }),
    KubernetesAuth: (f, v) => ({ component: "config", args: { kubernetesAuth: [{ roles: {}, [f]: v }] } }),
    KubernetesAuthRole: (f, v) => ({ component: "config", args: { kubernetesAuth: [{ roles: { r: { ...role, [f]: v } } }] } }),
    JwtAuth: (f, v) => ({ component: "config", args: { jwtAuth: [{ jwksUrl: "https://gitlab.example.com/-/jwks", roles: {}, [f]: v }] } }),
    JwtAuthRole: (f, v) => ({ component: "config", args: { jwtAuth: [{ jwksUrl: "https://gitlab.example.com/-/jwks",
        roles: { r: { boundAudiences: ["a"], userClaim: "sub", policies: ["default"], boundClaims: { project_id: "1" }, [f]: v } } }] } }),
    OidcAuth: (f, v) => ({ component: "config", args: { oidcAuth: [{ ...OIDC, [f]: v }] } }),
    OidcAuthRole: (f, v) => ({ component: "config", args: { oidcAuth: [{ ...OIDC, roles: { r: { ...OIDC_ROLE, [f]: v } } }] } }),
    UserpassAuth: (f, v) => ({ component: "config", args: { userpassAuth: [{ users: {}, [f]: v }] } }),
    OperatorPolicy: (f, v) => ({ component: "config", args: { kvMounts: [{ path: "kv" }], operatorPolicy: { [f]: v } } }),
    TransitSealKey: (f, v) => ({ component: "config", args: { transitSealKeys: [{ keyName: "seal", [f]: v }] } }),
    AppRoleAuth: (f, v) => ({ component: "config", args: { appRoleAuth: [{ roles: {}, [f]: v }] } }),
    AppRoleRole: (f, v) => ({ component: "config", args: { appRoleAuth: [{ roles: { r: { policies: ["default"], [f]: v } } }] } }),
    VaultAppAccessArgs: (f, v) => ({ component: "app", args: { namespace: "default", serviceAccountName: "app", secrets: { c: { mount: "kv", path: "a" } }, [f]: v } }),
    AppSecret: (f, v) => ({ component: "app", args: { namespace: "default", serviceAccountName: "app", secrets: { c: { mount: "kv", path: "a", [f]: v } } } }),
    VaultConsumerClusterArgs: (f, v) => consumer({ [f]: v }),
    ConsumerKubernetesAuth: (f, v) => consumer({ kubernetesAuth: { ...CONSUMER.kubernetesAuth, [f]: v } }),
    ConsumerChart: (f, v) => consumer({ injector: {}, vaultChart: { [f]: v } }),
    ConsumerInjector: (f, v) => consumer({ injector: { [f]: v } }),
    ConsumerCsi: (f, v) => consumer({ csi: { [f]: v } }),
    ConsumerSecretsOperator: (f, v) => consumer({ secretsOperator: { [f]: v } }),
    ConsumerVaultAuth: (f, v) => consumer({ secretsOperator: { auths: { a: { ...vaultAuth, [f]: v } } } }),
    ConsumerStaticSecret: (f, v) => consumer({ secretsOperator: { auths: { a: vaultAuth }, staticSecrets: { s: { auth: "a", mount: "kv", path: "app", [f]: v } } } }),
    ConsumerDynamicSecret: (f, v) => consumer({ secretsOperator: { auths: { a: vaultAuth }, dynamicSecrets: { d: { auth: "a", mount: "aws", path: "creds/app", [f]: v } } } }),
    ConsumerExternalSecrets: (f, v) => consumer({ externalSecrets: { [f]: v } }),
    ConsumerSecretStore: (f, v) => consumer({ externalSecrets: { stores: { s: { role: "es", kvMount: "kv", [f]: v } } } }),
};

/** The settings a component settles its arguments into, as comparable text (outputs and slots by kind only). */
function settled(place: { component: string; args: any }): string {
    const settings = place.component === "cluster" ? resolveClusterSettings("d", place.args)
        : place.component === "config" ? validateConfig("d", place.args)
        : place.component === "consumer" ? validateConsumer("d", place.args) : validateAppAccess("d", place.args);
    // Canonical: outputs and slots by kind only, object keys sorted.
    return JSON.stringify(settings, (_, v) => {
        if (pulumi.Output.isInstance(v)) return "<output>";
        if (v instanceof ValueSlot) return `<slot ${v.name}>`;
        return v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v;
    });
}

/** Removes the field from the arguments the place builds (the same path, without the value). */
function without(place: { component: string; args: any }, field: string): { component: string; args: any } {
    const json = JSON.stringify(place.args, (k, v) => (k === field && v === MARK ? undefined : v));
    return { component: place.component, args: JSON.parse(json) };
}
const MARK = "\u0000default-under-test";

/** A documented default that is a literal value (JSON), rather than a sentence ("the chart's", "none") or a pattern ("<name>-vault"). */
function literal(text: string): { value: unknown } | undefined {
    try {
        const value = JSON.parse(text);
        return typeof value === "string" && /<[^>]+>/.test(value) ? undefined : { value };
    } catch {
        return undefined;
    }
}

describe("every literal @default is what the component applies when the field is left out", () => {
    const cases: { owner: string; field: string; value: unknown }[] = [];
    for (const [owner, def] of Object.entries(schema.definitions)) {
        for (const [field, p] of Object.entries(def.properties ?? {})) {
            const d = p["x-default"] === undefined ? undefined : literal(p["x-default"]);
            if (d) cases.push({ owner, field, value: d.value });
        }
    }

    it("covers the literal defaults of every interface that has one", () => {
        const unplaced = [...new Set(cases.map((c) => c.owner))].filter((o) => !PLACES[o]);
        assert.deepEqual(unplaced, [], "add a place for these interfaces");
        assert.ok(cases.length >= 50, `${cases.length} literal defaults`);
    });

    for (const c of cases) {
        it(`${c.owner}.${c.field} = ${JSON.stringify(c.value)}`, () => {
            const place = PLACES[c.owner]?.(c.field, MARK);
            assert.ok(place, `no place for ${c.owner}`);
            const withDefault = JSON.parse(JSON.stringify(place.args).replace(JSON.stringify(MARK), JSON.stringify(c.value)));
            assert.equal(settled({ component: place.component, args: withDefault }), settled(without(place, c.field)),
                `${c.owner}.${c.field}: giving the documented default changes what the component does`);
        });
    }
});
