import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import { dirname } from "path";
import { createInterface } from "readline";
import { unwrapSecrets } from "../components/testing/mocks";
import { deploy, LOCAL } from "./support/cluster";
import { useFakeServers } from "./support/fakes";
import { initInputs, routePods } from "./support/initInputs";

/** The gRPC stack of the Pulumi SDK the package runs with: the dynamic provider host speaks it. */
const sdk = dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromSdk = (id: string) => require(require.resolve(id, { paths: [sdk] }));
const grpc = fromSdk("@grpc/grpc-js");
const engineService = require("@pulumi/pulumi/proto/engine_grpc_pb");
const providerService = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerMessages = require("@pulumi/pulumi/proto/provider_pb");
const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb");
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb");

interface LoggedMessage { severity: number; message: string; urn: string }

/** A stand-in for the engine's host server: it records `Log` calls, as `pulumi up` would display them. */
async function fakeEngine(): Promise<{ address: string; logs: LoggedMessage[]; stop(): Promise<void> }> {
    const logs: LoggedMessage[] = [];
    const server = new grpc.Server();
    server.addService(engineService.EngineService, {
        log: (call: any, callback: any) => {
            logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
            callback(null, new Empty());
        },
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e: Error | null, p: number) => (e ? reject(e) : resolve(p))));
    return { address: `127.0.0.1:${port}`, logs, stop: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

/** Starts Pulumi's Node.js dynamic provider host the way the engine does: its engine's address as the last argument. */
async function startDynamicProviderHost(engineAddress: string): Promise<{ child: ChildProcess; address: string; output: () => string }> {
    const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), engineAddress], { cwd: process.cwd() });
    let output = "";
    child.stderr!.on("data", (d) => (output += d));
    const lines = createInterface({ input: child.stdout! });
    const port = await new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`the dynamic provider host exited (${code}): ${output}`)));
    });
    lines.on("line", (l) => (output += `${l}\n`));
    return { child, address: `127.0.0.1:${port}`, output: () => output };
}

describe("progress of the init step, sent to the engine from Pulumi's dynamic provider host", function () {
    this.timeout(120_000);
    const f = useFakeServers();
    let host: Awaited<ReturnType<typeof startDynamicProviderHost>> | undefined;
    after(() => host?.child.kill());

    it("reaches the engine's Log, attached to the init resource: waiting, initializing, unsealing replica i of n; never a secret", async () => {
        const engine = f.track(await fakeEngine());
        const vault = await f.vault({ seal: "shamir", replicas: 3 });
        vault.failOnce("GET", "/v1/sys/init", 503, ["Vault is starting"]);
        const kube = await f.kube();
        const init = (await deploy(LOCAL, "local")).recorder.named("pulumi-nodejs:dynamic:Resource", "-init");
        const urn = unwrapSecrets(init.inputs).logUrn;
        const properties = JSON.parse(JSON.stringify({
            ...initInputs(kube, f.ca.certPem, routePods(kube, vault), { timeoutSeconds: 30, logUrn: urn }), __provider: init.inputs.__provider,
        }));

        host = await startDynamicProviderHost(engine.address);
        const client = new providerService.ResourceProviderClient(host.address, grpc.credentials.createInsecure());
        const request = new providerMessages.CreateRequest();
        request.setUrn(urn);
        request.setProperties(Struct.fromJavaScript(properties));
        const response = await new Promise<any>((resolve, reject) => client.create(request, (e: Error | null, r: any) => (e ? reject(e) : resolve(r))));
        client.close();

        const outs = response.getProperties().toJavaScript();
        assert.equal(outs.stateRecords.init.rootToken, vault.rootToken);
        const messages = engine.logs.map((l) => l.message);
        assert.ok(engine.logs.every((l) => l.urn === urn), "every message is attached to the init resource");
        assert.equal(messages[0], "Waiting for Vault at pod vault/vault-0 (HTTP 503 (Vault is starting))");
        for (const expected of [
            "Initializing Vault at pod vault/vault-0 (5 unseal key shares, threshold 3)",
            "Unsealing replica 1 of 3 (vault-0)", "Unsealing replica 2 of 3 (vault-1)", "Unsealing replica 3 of 3 (vault-2)",
            "Vault initialized; the init response is kept in Pulumi stack state (secret outputs)",
        ]) assert.ok(messages.includes(expected), `${expected}\nnot in:\n${messages.join("\n")}`);
        const everything = messages.join("\n") + host.output();
        for (const secret of [vault.rootToken!, ...vault.keysBase64, ...outs.stateRecords.init.keys]) assert.ok(!everything.includes(secret), "a key or token was logged");
    });
});
