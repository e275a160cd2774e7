import { parse } from "@cdktf/hcl2json";

/** Parses HCL with HashiCorp's own parser (compiled to WASM) into its JSON form. */
export async function parseHcl(text: string): Promise<Record<string, any>> {
    return parse("input.hcl", text);
}
