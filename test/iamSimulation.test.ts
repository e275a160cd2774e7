import { strict as assert } from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ACCOUNT_ID, unwrapSecrets } from "../components/testing/mocks";
import { plan, PlanResult } from "../stacks/plan";

/**
 * The IAM documents the dev and prod stacks render, evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate,
 * AWS's evaluation logic with its action and condition-key data): the Vault server role can create IAM users only
 * under Vault's path and only carrying the permissions boundary the stack names, so nobody who can write the AWS
 * secrets engine's roles, or run a pod as the server account, can mint an unbounded (admin) user.
 */
const SERVER_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/vault-server`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/vault-dynamic-user-boundary`;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const user = (path: string) => `arn:aws:iam::${ACCOUNT_ID}:user/${path}`;

/** Every inline policy of the stack's server role (RolePolicy resources named *-vault-server). */
function serverPolicies(r: PlanResult): { name: string; policy: any }[] {
    return r.resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy" && x.name.endsWith("-vault-server"))
        .map((x) => ({ name: x.name, policy: JSON.parse(unwrapSecrets(x.inputs.policy)) }));
}

async function decide(policies: { name: string; policy: any }[], action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<string> {
    const response: any = await runSimulation({
        identityPolicies: policies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: { action, principal: SERVER_ROLE, resource: { accountId: ACCOUNT_ID, resource }, contextVariables: context },
    }, {});
    if (response.resultType === "error") throw new Error(`simulation refused the request: ${JSON.stringify(response.errors)}`);
    return response.overallResult;
}

describe("the stacks' IAM documents, run through an IAM policy simulator", function () {
    this.timeout(120_000);
    const plans: Record<string, PlanResult> = {};
    before(async () => {
        for (const stack of ["dev", "prod"]) plans[stack] = await plan(stack);
    });

    it("dev (an iam_user engine role): users only under /vault/, only with the stack's boundary; boundaries cannot be removed", async () => {
        const policies = serverPolicies(plans.dev);
        assert.equal(policies.length, 1);
        const bounded = { "iam:PermissionsBoundary": BOUNDARY };
        assert.equal(await decide(policies, "iam:CreateUser", user("vault/vault-token-my-role-1700000000-abc"), bounded), "Allowed");
        assert.equal(await decide(policies, "iam:PutUserPolicy", user("vault/vault-token-my-role-1700000000-abc"), bounded), "Allowed");
        // An unbounded user, a user with an admin boundary, or a user outside Vault's path: never.
        assert.equal(await decide(policies, "iam:CreateUser", user("vault/vault-x")), "ImplicitlyDenied");
        assert.equal(await decide(policies, "iam:CreateUser", user("vault/vault-x"), { "iam:PermissionsBoundary": ADMIN }), "ImplicitlyDenied");
        assert.equal(await decide(policies, "iam:CreateUser", user("admin"), bounded), "ImplicitlyDenied");
        assert.equal(await decide(policies, "iam:PutUserPolicy", user("vault/vault-x")), "ImplicitlyDenied", "no inline policy on a user without the boundary");
        assert.equal(await decide(policies, "iam:AttachUserPolicy", user("vault/vault-x"), { ...bounded, "iam:PolicyARN": ADMIN }), "ImplicitlyDenied");
        assert.equal(await decide(policies, "iam:DeleteUserPermissionsBoundary", user("vault/vault-x")), "ExplicitlyDenied");
        assert.equal(await decide(policies, "iam:PutUserPermissionsBoundary", user("vault/vault-x"), { "iam:PermissionsBoundary": ADMIN }), "ExplicitlyDenied");
        // Keys only for Vault's own users; nothing on roles.
        assert.equal(await decide(policies, "iam:CreateAccessKey", user("vault/vault-x")), "Allowed");
        assert.equal(await decide(policies, "iam:CreateAccessKey", user("admin")), "ImplicitlyDenied");
        assert.equal(await decide(policies, "iam:CreateRole", `arn:aws:iam::${ACCOUNT_ID}:role/escalate`), "ImplicitlyDenied");
        assert.equal(await decide(policies, "iam:AttachRolePolicy", SERVER_ROLE, { "iam:PolicyARN": ADMIN }), "ImplicitlyDenied");
    });

    it("prod (no iam_user engine role): no IAM user at all", async () => {
        const policies = serverPolicies(plans.prod);
        assert.equal(policies.length, 1);
        for (const boundary of [{}, { "iam:PermissionsBoundary": BOUNDARY }, { "iam:PermissionsBoundary": ADMIN }] as Record<string, string>[]) {
            assert.equal(await decide(policies, "iam:CreateUser", user("vault/vault-x"), boundary), "ImplicitlyDenied");
        }
        assert.equal(await decide(policies, "iam:AttachUserPolicy", user("vault/vault-x"), { "iam:PolicyARN": ADMIN }), "ImplicitlyDenied");
    });

    it("both: no Allow statement with a wildcard action or resource in any identity policy the stacks render", () => {
        for (const [stack, r] of Object.entries(plans)) {
            const documents = r.resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy" || x.type === "aws:iam/policy:Policy")
                .map((x) => JSON.parse(unwrapSecrets(x.inputs.policy)));
            assert.ok(documents.length > 0, stack);
            for (const d of documents) {
                for (const s of d.Statement.filter((x: any) => x.Effect === "Allow")) {
                    assert.ok(![s.Action].flat().some((a: string) => a === "*" || a.endsWith(":*")), `${stack}: wildcard action in ${JSON.stringify(s)}`);
                    assert.ok(![s.Resource].flat().includes("*"), `${stack}: wildcard resource in ${JSON.stringify(s)}`);
                }
            }
        }
    });
});
