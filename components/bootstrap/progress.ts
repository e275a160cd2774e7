/**
 * Progress of the init step, shown by the Pulumi engine while it runs (waiting, initializing, unsealing replica i of
 * n), attached to the init resource.
 *
 * How a dynamic provider reaches the engine in @pulumi/pulumi 3.270: Pulumi starts the Node.js dynamic provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider`) with the engine's address as its last argument, but the host does not hand
 * it to the SDK, so `pulumi.log` inside a provider method finds no engine and prints to the console instead; the engine
 * passes a plugin's output through as unstructured messages attached to no resource (pulumi/pulumi#18249, #18253).
 * Here the provider calls the engine's `Log` itself, over the gRPC client of the SDK the host runs (resolved from the
 * host's own module, so nothing more is loaded), with the resource's URN. Outside that host (tests, library use)
 * nothing is printed.
 */
import type { LogSeverity } from "./initializeVault";

export interface ProgressLog {
    (message: string, severity?: LogSeverity): void;
    /** Resolves once every message sent so far was delivered (or given up on). */
    flush(): Promise<void>;
}

type Deliver = (severity: LogSeverity, message: string, urn: string) => Promise<void>;

const DYNAMIC_PROVIDER_HOST = /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/;
const ADDRESS = /^(\[[0-9A-Fa-f:]+\]|[\w.-]+):\d+$/;

let engine: Deliver | null | undefined;

/** The engine's `Log`, when this process is the dynamic provider host; null elsewhere. */
function engineLog(): Deliver | null {
    if (engine !== undefined) return engine;
    const host = require.main;
    const address = [...process.argv.slice(2)].reverse().find((a) => ADDRESS.test(a));
    if (!host || !DYNAMIC_PROVIDER_HOST.test(host.filename) || !address) return (engine = null);
    try {
        const grpc = host.require("@grpc/grpc-js");
        const services = host.require("../../proto/engine_grpc_pb");
        const messages = host.require("../../proto/engine_pb");
        const client = new services.EngineClient(address, grpc.credentials.createInsecure());
        engine = (severity, message, urn) => new Promise<void>((resolve) => {
            const request = new messages.LogRequest();
            request.setSeverity(severity === "warning" ? messages.LogSeverity.WARNING : messages.LogSeverity.INFO);
            request.setMessage(message);
            request.setUrn(urn);
            request.setEphemeral(false);
            client.log(request, (error: unknown) => {
                // The engine passes the host's output through: a message is never silently dropped.
                if (error) process.stdout.write(`${message}\n`);
                resolve();
            });
        });
    } catch {
        engine = (_severity, message) => new Promise<void>((resolve) => process.stdout.write(`${message}\n`, () => resolve()));
    }
    return engine;
}

/** A progress log for the resource `urn`: in order, through the engine when there is one, silent otherwise. */
export function engineProgress(urn: string | undefined): ProgressLog {
    const deliver = engineLog();
    let delivered = Promise.resolve();
    const log = ((message: string, severity: LogSeverity = "info") => {
        if (deliver) delivered = delivered.then(() => deliver(severity, message, urn ?? ""));
    }) as ProgressLog;
    log.flush = () => delivered;
    return log;
}
