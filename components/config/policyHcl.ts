/**
 * A reader for Vault ACL policies written as HCL text: enough of HCL to check a policy before anything is registered
 * (synchronously, unlike the WASM HCL parser the tests compare it with). It reads comments, strings with escapes,
 * numbers, booleans, lists, objects, blocks and attributes, and reports what Vault would refuse or misread.
 */

/** One `path "..." { ... }` block. */
export interface PolicyPathBlock {
    path: string;
    /** The block's attributes, as parsed. */
    attributes: Record<string, unknown>;
}

export class HclError extends Error {}

type Token = { kind: "string" | "ident" | "number" | "punct"; text: string; value?: unknown; line: number };

function tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    let line = 1;
    const fail = (message: string): never => { throw new HclError(`line ${line}: ${message}`); };
    while (i < text.length) {
        const c = text[i];
        if (c === "\n") { line++; i++; continue; }
        if (/\s/.test(c)) { i++; continue; }
        if (c === "#" || (c === "/" && text[i + 1] === "/")) {
            while (i < text.length && text[i] !== "\n") i++;
            continue;
        }
        if (c === "/" && text[i + 1] === "*") {
            const end = text.indexOf("*/", i + 2);
            if (end < 0) fail("unterminated /* comment");
            line += text.slice(i, end).split("\n").length - 1;
            i = end + 2;
            continue;
        }
        if (c === "\"") {
            let j = i + 1;
            let value = "";
            for (;;) {
                if (j >= text.length || text[j] === "\n") fail("unterminated string");
                const d = text[j];
                if (d === "\"") break;
                if (d === "\\") {
                    const e = text[j + 1];
                    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\"": "\"", "\\": "\\" };
                    if (e in simple) { value += simple[e]; j += 2; continue; }
                    if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) { value += String.fromCharCode(parseInt(text.slice(j + 2, j + 6), 16)); j += 6; continue; }
                    fail(`unknown escape \\${e ?? ""} in a string`);
                }
                if (d === "$" && text[j + 1] === "{") fail("\"${\" in a string is an interpolation, which a policy cannot use");
                value += d;
                j++;
            }
            tokens.push({ kind: "string", text: text.slice(i, j + 1), value, line });
            i = j + 1;
            continue;
        }
        if (/[A-Za-z_]/.test(c)) {
            let j = i;
            while (j < text.length && /[A-Za-z0-9_.-]/.test(text[j])) j++;
            tokens.push({ kind: "ident", text: text.slice(i, j), line });
            i = j;
            continue;
        }
        if (/[-0-9]/.test(c)) {
            const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
            if (!m) fail(`unexpected "${c}"`);
            tokens.push({ kind: "number", text: m![0], value: Number(m![0]), line });
            i += m![0].length;
            continue;
        }
        if ("{}[]=,:".includes(c)) {
            tokens.push({ kind: "punct", text: c, line });
            i++;
            continue;
        }
        fail(`unexpected "${c}"`);
    }
    return tokens;
}

class Parser {
    private i = 0;
    constructor(private readonly tokens: Token[]) {}

    private peek(): Token | undefined { return this.tokens[this.i]; }
    private fail(message: string, token = this.peek()): never {
        throw new HclError(`line ${token?.line ?? this.tokens[this.tokens.length - 1]?.line ?? 1}: ${message}`);
    }
    private expect(text: string): void {
        const t = this.peek();
        if (!t || t.text !== text || t.kind !== "punct") this.fail(`expected "${text}"${t ? `, found "${t.text}"` : " before the end"}`);
        this.i++;
    }

    /** A body: attributes and blocks until `}` or the end. Blocks of one kind are collected in lists. */
    body(closing: boolean): Record<string, unknown> {
        const out: Record<string, unknown> = {};
        for (;;) {
            const t = this.peek();
            if (!t) { if (closing) this.fail("missing \"}\""); return out; }
            if (t.kind === "punct" && t.text === "}") { if (!closing) this.fail("unexpected \"}\""); return out; }
            if (t.kind !== "ident" && t.kind !== "string") this.fail(`expected an attribute or block name, found "${t.text}"`);
            this.i++;
            const key = t.kind === "string" ? String(t.value) : t.text;
            const next = this.peek();
            if (next?.kind === "punct" && next.text === "=") {
                this.i++;
                if (key in out) this.fail(`"${key}" is set twice`, t);
                out[key] = this.value();
                continue;
            }
            const labels: string[] = [];
            while (this.peek()?.kind === "string") labels.push(String(this.tokens[this.i++].value));
            this.expect("{");
            const inner = this.body(true);
            this.expect("}");
            const blocks = (out[key] ??= []) as { labels: string[]; body: Record<string, unknown> }[];
            if (!Array.isArray(blocks)) this.fail(`"${key}" is both an attribute and a block`, t);
            blocks.push({ labels, body: inner });
        }
    }

    value(): unknown {
        const t = this.peek();
        if (!t) this.fail("expected a value before the end");
        this.i++;
        if (t!.kind === "string" || t!.kind === "number") return t!.value;
        if (t!.kind === "ident") {
            if (t!.text === "true" || t!.text === "false") return t!.text === "true";
            this.fail(`"${t!.text}" is not a value (strings need quotes)`, t);
        }
        if (t!.text === "[") {
            const list: unknown[] = [];
            while (!(this.peek()?.kind === "punct" && this.peek()?.text === "]")) {
                list.push(this.value());
                if (this.peek()?.kind === "punct" && this.peek()?.text === ",") this.i++;
                else if (!(this.peek()?.kind === "punct" && this.peek()?.text === "]")) this.fail("expected \",\" or \"]\" in a list");
            }
            this.i++;
            return list;
        }
        if (t!.text === "{") {
            const object: Record<string, unknown> = {};
            while (!(this.peek()?.kind === "punct" && this.peek()?.text === "}")) {
                const k = this.peek();
                if (!k || (k.kind !== "ident" && k.kind !== "string")) this.fail("expected a key in an object");
                this.i++;
                const sep = this.peek();
                if (!sep || sep.kind !== "punct" || (sep.text !== "=" && sep.text !== ":")) this.fail("expected \"=\" after an object key");
                this.i++;
                object[k!.kind === "string" ? String(k!.value) : k!.text] = this.value();
                if (this.peek()?.kind === "punct" && this.peek()?.text === ",") this.i++;
            }
            this.i++;
            return object;
        }
        return this.fail(`unexpected "${t!.text}"`, t);
    }
}

/** Attributes a path block may carry (Vault's policy syntax). */
export const PATH_ATTRIBUTES = ["capabilities", "policy", "allowed_parameters", "denied_parameters", "required_parameters",
    "min_wrapping_ttl", "max_wrapping_ttl", "control_group", "subscribe_event_types"];

/** Parses a policy's HCL into its path blocks; throws an HclError (with the line) for text Vault would refuse or misread. */
export function parsePolicyHcl(text: string): PolicyPathBlock[] {
    const body = new Parser(tokenize(text)).body(false);
    const blocks: PolicyPathBlock[] = [];
    for (const [key, value] of Object.entries(body)) {
        if (key === "name") continue;
        if (key !== "path" || !Array.isArray(value)) throw new HclError(`"${key}" is not part of a Vault policy (only path "<path>" { ... } blocks are)`);
        for (const block of value as { labels: string[]; body: Record<string, unknown> }[]) {
            if (block.labels.length !== 1) throw new HclError(`a path block needs exactly one quoted path, found ${block.labels.length}`);
            const unknown = Object.keys(block.body).filter((k) => !PATH_ATTRIBUTES.includes(k));
            if (unknown.length > 0) throw new HclError(`path "${block.labels[0]}" has unknown attribute(s) ${unknown.join(", ")}`);
            blocks.push({ path: block.labels[0], attributes: block.body });
        }
    }
    return blocks;
}
