#!/usr/bin/env node
// ts-client.mjs drives `airlock serve` with the official TypeScript MCP SDK
// client (Client + StdioClientTransport), as an independent implementation
// of the protocol. mcp/interop_test.go runs it.
//
// usage: node ts-client.mjs --airlock BIN --proj DIR --docs DIR
//
// The server gets AIRLOCK_IMAGE from this process's environment (the SDK
// passes only a short allow-list of variables by default). DIR --proj is
// mounted read-write, --docs read-only. The client declares form
// elicitation and approves, once, each call airlock's policy asks about.
//
// stdout: one JSON object (the summary). stderr: the server's log and any
// failure. Exit status 1 when a call throws, a tool result's isError is not
// the expected one, or an expected text is missing.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const { values: opt } = parseArgs({
  options: {
    airlock: { type: "string" },
    proj: { type: "string" },
    docs: { type: "string" },
    web: { type: "string" }, // optional: base URL of a local page server the policy allows
    timeout: { type: "string", default: "240000" },
  },
});
for (const k of ["airlock", "proj", "docs"]) {
  if (!opt[k]) {
    console.error(`ts-client: --${k} is required`);
    process.exit(2);
  }
}
const timeout = Number(opt.timeout);

const sdkVersion = JSON.parse(
  readFileSync(new URL("./node_modules/@modelcontextprotocol/sdk/package.json", import.meta.url), "utf8"),
).version;

const env = { NO_COLOR: "1" };
if (process.env.AIRLOCK_IMAGE) env.AIRLOCK_IMAGE = process.env.AIRLOCK_IMAGE;

const transport = new StdioClientTransport({
  command: opt.airlock,
  args: ["serve", "--mount", `${opt.proj}:rw`, "--mount", opt.docs,
    ...(opt.web ? ["--allow-host", new URL(opt.web).host] : [])],
  env,
  stderr: "inherit",
});
// The client calls this (if present) with the negotiated version; the
// stdio transport has no use for it, so it only records it here.
let protocolVersion = "";
transport.setProtocolVersion = (v) => {
  protocolVersion = v;
};

// The client declares form elicitation and plays a user who approves each
// request once, so calls that airlock's approval policy asks about go
// through (and the SDK's elicitation path is exercised too).
const client = new Client(
  { name: "airlock-ts-interop", version: "1.0.0" },
  { capabilities: { elicitation: { form: {} } } },
);
const elicitations = [];
// script holds the user's next answers ({action, choice}); when it is
// empty the user approves once.
const script = [];
client.setRequestHandler(ElicitRequestSchema, async (req) => {
  const { message, requestedSchema } = req.params;
  // Answer with the first property of the form and its "allow once"
  // option if it has one, else "allow_once".
  const [field, prop] = Object.entries(requestedSchema?.properties ?? {})[0] ?? ["decision", {}];
  const options = prop.enum ?? prop.oneOf?.map((o) => o.const) ?? [];
  const next = script.shift() ?? { action: "accept", choice: options.find((o) => /once/i.test(o)) ?? "allow_once" };
  elicitations.push({ message, field, choice: next.choice ?? "", action: next.action });
  if (next.action !== "accept") return { action: next.action };
  return { action: "accept", content: { [field]: next.choice } };
});
const summary = {
  sdkVersion,
  protocolVersion: "",
  serverInfo: null,
  toolCount: 0,
  tools: [],
  calls: {},
  failures: [],
};

function fail(msg) {
  summary.failures.push(msg);
  console.error(`ts-client: FAIL ${msg}`);
}

function textOf(result) {
  return (result.content ?? [])
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("");
}

// call runs one tool and records {isError, text} under key. It checks
// isError against wantError and that every string in want occurs in the text.
async function call(key, name, args, { wantError = false, want = [] } = {}) {
  let result;
  try {
    result = await client.callTool({ name, arguments: args }, undefined, { timeout });
  } catch (err) {
    fail(`${key}: ${name} threw: ${err?.stack ?? err}`);
    summary.calls[key] = { tool: name, threw: String(err?.message ?? err) };
    return;
  }
  const text = textOf(result);
  summary.calls[key] = {
    tool: name,
    isError: result.isError === true,
    text,
    hasStructuredContent: result.structuredContent !== undefined,
  };
  if ((result.isError === true) !== wantError) {
    fail(`${key}: ${name} isError=${result.isError === true}, want ${wantError}: ${text}`);
  }
  for (const w of want) {
    if (!text.includes(w)) fail(`${key}: ${name} text lacks ${JSON.stringify(w)}: ${JSON.stringify(text)}`);
  }
}

let exitCode = 0;
try {
  await client.connect(transport, { timeout });
  summary.protocolVersion = protocolVersion;
  summary.serverInfo = client.getServerVersion() ?? null;

  const { tools } = await client.listTools(undefined, { timeout });
  summary.tools = tools.map((t) => t.name).sort();
  summary.toolCount = tools.length;
  summary.toolsWithOutputSchema = tools.filter((t) => t.outputSchema).map((t) => t.name);

  const readme = join(opt.proj, "README.md");
  // The first call may wait for the VM to finish booting.
  await call("read_text_file", "read_text_file", { path: readme }, { want: ["# Project\nline two\nline three\n"] });
  await call("read_text_file_head", "read_text_file", { path: join(opt.proj, "notes.txt"), head: 2 }, { want: ["alpha\nbeta"] });
  await call("read_docs", "read_text_file", { path: join(opt.docs, "guide.md") }, { want: ["Read me, do not change me."] });
  await call("write_file", "write_file", {
    path: join(opt.proj, "ts-written.txt"),
    content: "written by the TypeScript SDK\n",
  });
  await call("write_readonly", "write_file", { path: join(opt.docs, "guide.md"), content: "x" }, {
    wantError: true,
    want: ["read-only"],
  });
  await call("edit_file", "edit_file", {
    path: join(opt.proj, "notes.txt"),
    edits: [{ oldText: "beta", newText: "BETA (edited by ts-client)" }],
  }, { want: ["-beta", "+BETA (edited by ts-client)"] });
  await call("list_directory", "list_directory", { path: opt.proj }, {
    want: ["[DIR] src", "[FILE] README.md", "[FILE] ts-written.txt"],
  });
  await call("grep_files", "grep_files", { path: opt.proj, pattern: "TODO", include: "*.go" }, {
    want: ["util.go:3:// TODO: tidy"],
  });
  await call("search_files", "search_files", { path: opt.proj, pattern: "**/*.go" }, {
    want: [join(opt.proj, "src", "main.go"), join(opt.proj, "src", "util.go")],
  });
  await call("escape", "read_text_file", { path: "/etc/passwd" }, { wantError: true, want: ["outside the mounted folders"] });

  if (opt.web) {
    // The browser tools through the egress door: an allowed local page,
    // then an unknown host the user is asked about and declines.
    await call("web_fetch", "web_fetch", { url: `${opt.web}/` }, { want: ["forty-two herons"] });
    script.push({ action: "accept", choice: false });
    await call("web_unknown_declined", "web_fetch", { url: "https://unknown-host.example/" }, { wantError: true, want: ["declined"] });
  }

  // Approvals through the SDK's elicitation handler: decline and cancel
  // leave the file, accept deletes it.
  const victim = join(opt.proj, "src", "main.go");
  script.push({ action: "decline" });
  await call("delete_declined", "delete_file", { path: victim }, { wantError: true, want: ["declined"] });
  script.push({ action: "cancel" });
  await call("delete_cancelled", "delete_file", { path: victim }, { wantError: true, want: ["cancelled"] });
  script.push({ action: "accept", choice: "allow_once" });
  await call("delete_accepted", "delete_file", { path: victim }, { want: ["Deleted"] });
} catch (err) {
  fail(`session: ${err?.stack ?? err}`);
} finally {
  try {
    await client.close();
  } catch (err) {
    fail(`close: ${err?.stack ?? err}`);
  }
}
summary.elicitations = elicitations;
if (summary.failures.length > 0) exitCode = 1;
process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
process.exit(exitCode);
