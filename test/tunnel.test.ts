import { strict as assert } from "assert";
import * as net from "net";
import { openTunnel, preferredPort } from "../components/bootstrap/tunnel";
import { makeCa, makeServerCertificate } from "./support/certs";
import { FakeKubernetes } from "./support/fakeKubernetes";

function echoServer(): Promise<net.Server> {
    return new Promise((resolve) => {
        const server = net.createServer((socket) => socket.pipe(socket));
        server.listen(0, "127.0.0.1", () => resolve(server));
    });
}

function roundTrip(port: number, message: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.write(message));
        let got = "";
        socket.on("data", (d) => {
            got += d.toString();
            if (got.length >= message.length) {
                socket.end();
                resolve(got);
            }
        });
        socket.on("error", reject);
    });
}

describe("openTunnel", function () {
    this.timeout(20_000);
    const ca = makeCa();
    const certificate = makeServerCertificate(ca, { ips: ["127.0.0.1"] });
    let kube: FakeKubernetes;
    let echo: net.Server;
    before(async () => {
        kube = await new FakeKubernetes(certificate, ca.certPem).start();
        echo = await echoServer();
        kube.targets.set("vault-1:8200", (echo.address() as net.AddressInfo).port);
    });
    after(async () => {
        await kube.stop();
        echo.close();
    });

    it("forwards each connection to the pod port through the API server's port-forward", async () => {
        const tunnel = await openTunnel({ namespace: "vault", pod: "vault-1", remotePort: 8200, kubeconfig: kube.kubeconfig() });
        assert.match(tunnel.hostPort, /^127\.0\.0\.1:\d+$/);
        assert.equal(await roundTrip(tunnel.port, "hello vault"), "hello vault");
        assert.equal(await roundTrip(tunnel.port, "second connection"), "second connection");
        assert.deepEqual(kube.forwards, ["vault/vault-1:8200", "vault/vault-1:8200"]);
        await tunnel.close();
    });

    it("keeps a stable preferred port, and falls back to an ephemeral one when it is taken", async () => {
        const port = preferredPort("tunnel-test/stable-port");
        assert.equal(port, preferredPort("tunnel-test/stable-port"));
        assert.ok(port >= 20000 && port < 40000);
        const first = await openTunnel({ namespace: "vault", pod: "vault-1", remotePort: 8200, kubeconfig: kube.kubeconfig(), localPort: port });
        const second = await openTunnel({ namespace: "vault", pod: "vault-1", remotePort: 8200, kubeconfig: kube.kubeconfig(), localPort: port });
        assert.equal(first.port, port);
        assert.notEqual(second.port, port);
        await first.close();
        await second.close();
    });
});
