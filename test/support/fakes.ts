import { makeCa, makeServerCertificate, TestCa, TestCertificate } from "./certs";
import { FakeKubernetes } from "./fakeKubernetes";
import { FakeVault, FakeVaultOptions } from "./fakeVault";
import { VAULT_POD_NAMES } from "./initInputs";

/** The TLS material and fake servers of a suite; every fake started through it is stopped after each test. */
export interface FakeServers {
    /** Signs `certificate` (what the cluster CA is to the pods). */
    ca: TestCa;
    /** A CA that verifies nothing here. */
    otherCa: TestCa;
    /** Carries 127.0.0.1 and the names of release `vault`'s pods. */
    certificate: TestCertificate;
    vault(options: Omit<FakeVaultOptions, "certificate">): Promise<FakeVault>;
    kube(): Promise<FakeKubernetes>;
    /** Stops `fake` after the test. */
    track<T extends { stop(): Promise<void> }>(fake: T): T;
}

let material: Pick<FakeServers, "ca" | "otherCa" | "certificate"> | undefined;

/** Installs a suite's hooks: TLS material (generated once per process), and every fake stopped after each test. */
export function useFakeServers(): FakeServers {
    const running: { stop(): Promise<void> }[] = [];
    const suite = {
        track: <T extends { stop(): Promise<void> }>(fake: T): T => { running.push(fake); return fake; },
        vault: async (options: Omit<FakeVaultOptions, "certificate">) => suite.track(await new FakeVault({ ...options, certificate: suite.certificate }).start()),
        kube: async () => suite.track(await new FakeKubernetes(suite.certificate, suite.ca.certPem).start()),
    } as FakeServers;
    before(() => {
        if (!material) {
            const ca = makeCa();
            material = { ca, otherCa: makeCa("Some Other CA"), certificate: makeServerCertificate(ca, VAULT_POD_NAMES) };
        }
        Object.assign(suite, material);
    });
    afterEach(async () => { await Promise.all(running.splice(0).map((f) => f.stop())); });
    return suite;
}
