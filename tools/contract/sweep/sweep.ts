// Drives every operation of the published contract through the validating proxy (Prism), with valid and invalid
// inputs derived from the contract itself: a new operation is covered without a new test. Prism reports each
// violation in the sl-violations response header; this prints every response-side one with its request, and fails.
//
//   CASEAPI_PROXY=http://127.0.0.1:4010 CASEAPI_URL=http://127.0.0.1:5080 CASEAPI_KEY=<admin key> npm run sweep
//
// CASEAPI_URL (the service itself) is used only to spend a throwaway key's rate-limit budget quickly. When
// CASEAPI_STOP_DATABASE holds a shell command that stops the service's database, the sweep ends by running it and
// checking that every operation then answers 503. Everything it creates uses throwaway names and is deleted again.
import { execSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { type?: string | string[]; format?: string; enum?: Json[]; items?: Schema; $ref?: string };
type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: Schema; example?: Json };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { example?: Json }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type Op = Operation & { method: string; path: string; collection: string };
type Probe = { op: Op; intent: string; invalid?: string; path?: Record<string, string>; query?: Record<string, string[]>;
  headers?: Record<string, string>; body?: string; mediaType?: string; key?: string | null };
type Violation = { location: string[]; severity: string; code?: string; message: string };
type Outcome = { probe: Probe; url: string; status: number; violations: Violation[]; body: string; headers: Headers };

const proxy = (process.env.CASEAPI_PROXY ?? "http://127.0.0.1:4010").replace(/\/$/, "");
const direct = (process.env.CASEAPI_URL ?? "").replace(/\/$/, "");
const adminKey = process.env.CASEAPI_KEY ?? "";
const stopDatabase = process.env.CASEAPI_STOP_DATABASE ?? "";
const contract = JSON.parse(readFileSync(new URL("../../../src/CaseApi/openapi/v1.json", import.meta.url), "utf8")) as {
  paths: Record<string, Record<string, Operation>>;
};

/** (operation, status) pairs no request can produce on purpose, and why. Printed with the coverage table. */
const untriggerable: Record<string, string> = {
  "GetAuditCheckpoint 404": "a store with the sample always has a checkpoint",
  // Their only 409 is idempotency-key-in-flight: two requests with one key at once (Http/IdempotencyTests races them).
  "UploadEntries 409": "only a retry while the first request with its Idempotency-Key still runs",
  "RejectCandidate 409": "only a retry while the first request with its Idempotency-Key still runs",
  "AcceptSuggestions 409": "only a retry while the first request with its Idempotency-Key still runs",
};

/**
 * (operation, status) pairs the sweep does not drive yet, each with the API test that proves it against PostgreSQL.
 * They need state the sweep does not build: a list uploaded with a mapping (real entry ids), a membership's ETag, a
 * bulk delete's dry-run token, an entity that cases name. Printed as "later" in the coverage table and not counted as
 * missing; the next step is for the sweep to build that state, and each line here goes as it does.
 */
const notYetDriven: Record<string, string> = Object.fromEntries([
  ...["200", "413", "415", "422"].map((s) => [`UploadEntries ${s}`, "Linkage/ListLinkageApiTests, ListEntryXlsxTests, Http/IdempotencyTests"]),
  ...["200", "400", "409", "413", "422"].map((s) => [`AcceptCandidate ${s}`, "Linkage/ListLinkageApiTests, Http/IdempotencyTests"]),
  ...["200", "400", "413", "422"].map((s) => [`RejectCandidate ${s}`, "Linkage/ListLinkageApiTests, Http/IdempotencyTests"]),
  ...["401", "403"].flatMap((s) => [[`AcceptCandidate ${s}`, "Auth/EndpointMatrixTests"], [`RejectCandidate ${s}`, "Auth/EndpointMatrixTests"]]),
  ["DraftCase 401", "Auth/EndpointMatrixTests"],
  ["DraftCase 200", "Linkage/ListLinkageApiTests"],
  ...["204", "412", "428"].flatMap((s) => [[`PutMembership ${s}`, "Linkage/ListLinkageApiTests"], [`DeleteMembership ${s}`, "Linkage/ListLinkageApiTests"]]),
  ...["200", "409", "412"].map((s) => [`DeleteCases ${s}`, "Cases/BulkDeleteTests"]),
  ["ReplaceEntity 409", "Entities/EntityTests"],
  ["DeleteEntity 409", "Entities/EntityTests"],
  // Review is off in the sweep's service (the default), so a write is never queued and there is no proposal to decide.
  ...["CreateCase", "ReplaceCase", "PatchCase", "DeleteCase"].map((op) => [`${op} 202`, "Review/ProposalTests, ReviewRulesTests"]),
  ...["ApproveProposal", "RejectProposal", "WithdrawProposal"].flatMap((op) =>
    ["200", "409"].map((s) => [`${op} ${s}`, "Review/ProposalTests"])),
  ...["GetProposal", "GetProposedCase"].map((op) => [`${op} 200`, "Review/ProposalTests"]),
  // A merge needs two entities of one kind, and a merged entity answers 308 from then on: the sweep's fixtures are one of each.
  ...["200", "409", "422"].map((s) => [`MergeEntity ${s}`, "Entities/EntityMergeTests"]),
  ["RedactEntity 409", "Entities/EntityMergeTests"],
  ...["GetEntity", "ReplaceEntity", "ListEntityCases", "ListRelatedEntities"].map((op) => [`${op} 308`, "Entities/EntityMergeTests"]),
]);

const run = `zz-sweep-${Date.now().toString(36)}`;
const order = ["post", "put", "get", "patch", "delete"];
const ops: Op[] = Object.entries(contract.paths)
  .flatMap(([path, item]) => Object.entries(item).filter(([m]) => order.includes(m))
    .map(([method, op]) => ({ ...op, method, path, collection: path.split("/{")[0] })))
  .sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));

const outcomes: Outcome[] = [];
/** What valid requests created, by collection path: a path parameter of that collection names it. */
const fixtures: Record<string, string> = {};
const keys: Record<string, string> = { admin: adminKey };

async function send(probe: Probe, base = proxy): Promise<Outcome> {
  const op = probe.op;
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(probe.path?.[name] ?? pathValue(op, name)));
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(probe.query ?? {})) values.forEach((v) => query.append(name, v));
  const url = `${base}${path}${query.size > 0 ? `?${query}` : ""}`;
  const headers: Record<string, string> = { ...probe.headers };
  const key = probe.key === undefined ? adminKey : probe.key;
  if (key) headers["X-Api-Key"] = key;
  if (probe.body !== undefined) headers["Content-Type"] ??= probe.mediaType ?? "application/json";
  if (process.env.CASEAPI_SWEEP_VERBOSE) console.log(`${op.method.toUpperCase()} ${url} [${probe.intent}]`);
  const response = await fetch(url, { method: op.method.toUpperCase(), headers, body: probe.body, redirect: "manual",
    signal: AbortSignal.timeout(60_000) });
  const body = await response.text();
  const violations = JSON.parse(response.headers.get("sl-violations") ?? "[]") as Violation[];
  const outcome = { probe, url, status: response.status, violations, body, headers: response.headers };
  if (base === proxy) outcomes.push(outcome);
  return outcome;
}

function pathValue(op: Op, name: string): string {
  const parameter = op.parameters?.find((p) => p.in === "path" && p.name === name);
  // A fixture names a member of the collection: the path's first parameter. Deeper ones (a list's entry) get a value of
  // their own type, so a request meant to be valid stays valid (an entry id is a uuid, never the list's code).
  const first = /\{(\w+)\}/.exec(op.path)?.[1];
  const fixture = name === first ? fixtures[op.collection] : undefined;
  return fixture ?? (parameter?.schema?.format === "uuid" ? randomUUID() : `${run}-code`);
}

/** The contract's own example body, with throwaway names so that nothing real is touched. */
function exampleBody(op: Op): { body: string; mediaType: string } | undefined {
  const content = op.requestBody?.content ?? {};
  const mediaType = Object.keys(content).find((m) => m.includes("json")) ?? Object.keys(content)[0];
  if (!mediaType) return undefined;
  const example = content[mediaType].example;
  if (typeof example === "string") return { body: example.replaceAll("kevin-mallory", `${run}-case`), mediaType };
  const throwaway = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(throwaway);
    if (value && typeof value === "object") {
      const copy: Record<string, Json> = {};
      for (const [k, v] of Object.entries(value)) {
        copy[k] = k === "slug" ? `${run}-case` : k === "name" && op.method === "post" ? `${run}-name` : throwaway(v);
      }
      return copy;
    }
    return value;
  };
  return { body: JSON.stringify(throwaway(example ?? {})), mediaType };
}

/** The valid request: the parameters Swagger UI pre-fills (their examples) and the required ones, the example body. */
function valid(op: Op, intent = "valid"): Probe {
  const query: Record<string, string[]> = {};
  const headers: Record<string, string> = {};
  for (const p of op.parameters ?? []) {
    if ((!p.required && p.example === undefined) || p.in === "path") continue;
    const value = p.example ?? (p.schema?.enum?.[0] as Json) ?? "";
    if (p.in === "query") query[p.name] = (Array.isArray(value) ? value : [value]).map(String);
    // If-Match: * matches the current version whatever it is.
    if (p.in === "header") headers[p.name] = p.name === "If-Match" ? "*" : String(value);
  }
  if (op.method === "post" && op.parameters?.some((p) => p.name === "dryRun")) query.dryRun = ["true"];
  return { op, intent, query, headers, ...exampleBody(op) };
}

const typed = (op: Op) => (op.parameters ?? []).find((p) => p.in === "query" && /integer|boolean|number/.test(String(p.schema?.type)));
function wrongShape(op: Op): string {
  const example = exampleBody(op);
  return example?.body.trimStart().startsWith("[") ? "{\"not\":\"a list\"}" : "[1]";
}

function parse<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

const when = (condition: unknown, ...probes: Probe[]): Probe[] => (condition ? probes : []);
const has = (op: Op, test: (p: Parameter) => boolean) => (op.parameters ?? []).some(test);
/** The valid request with some parts changed; `invalid` says how it breaks the contract on purpose. */
const variant = (op: Op, change: Partial<Probe>): Probe => ({ ...valid(op), ...change });

/** Ways to provoke each status, tried in turn until one answers it. */
const provokers: Record<string, (op: Op) => Probe[]> = {
  "400": (op) => {
    const t = typed(op);
    const query = valid(op).query;
    return [
      ...when(t, variant(op, { invalid: `query ${t?.name} is not a ${t?.schema?.type}`, query: { ...query, [t?.name ?? ""]: ["not-a-value"] } })),
      ...when(has(op, (p) => p.in === "query"), variant(op, { invalid: "unknown query parameter", query: { ...query, zzUnknown: ["1"] } })),
      // JSON of the wrong shape, not malformed JSON: Prism 5.16 never answers a request whose JSON it cannot parse.
      ...when(op.requestBody, variant(op, { invalid: "a JSON body of the wrong shape", body: wrongShape(op), mediaType: "application/json" })),
      ...when(has(op, (p) => p.in === "path" && !p.schema?.format),
        variant(op, { invalid: "path code not in code form", path: { code: "Not A Code!", id: "Not A Code!" } })),
      ...when(has(op, (p) => p.name === "If-Match"), variant(op, { invalid: "malformed If-Match", headers: { "If-Match": "not-quoted" } })),
    ];
  },
  "401": (op) => [variant(op, { invalid: "no API key", key: null })],
  "403": (op) => [variant(op, { invalid: "a reader key", key: keys.reader })],
  "404": (op) => [variant(op, {
    invalid: "no such resource",
    path: Object.fromEntries((op.parameters ?? []).filter((p) => p.in === "path")
      .map((p) => [p.name, p.schema?.format === "uuid" ? randomUUID() : `${run}-missing`])),
    // Reads over the whole store name a release to read as of: an unknown one is the 404 they declare.
    ...(has(op, (p) => p.name === "release") ? { query: { ...valid(op).query, release: [`${run}-missing`] } } : {}),
  })],
  "409": (op) => [
    // The same create twice: the second finds the first.
    ...when(op.method === "post", variant(op, { intent: "repeat of a valid create" })),
    ...when(op.method === "put" || op.method === "patch",
      variant(op, { intent: "rename to a slug in use", body: JSON.stringify({ ...JSON.parse(valid(op).body ?? "{}"), slug: "kevin-mallory" }) })),
    ...(op.method === "delete"
      ? inUseCodes(op).map((code) => variant(op, { path: { code }, intent: `delete ${code}, which the sweep's case names` }))
      : []),
    ...when(has(op, (p) => p.name === "Idempotency-Key"),
      variant(op, { intent: "import with an Idempotency-Key", headers: { "Idempotency-Key": `${run}-key` }, query: { dryRun: ["true"] } }),
      variant(op, { intent: "the same Idempotency-Key, other options", headers: { "Idempotency-Key": `${run}-key` },
        query: { dryRun: ["true"], atomic: ["false"] } })),
  ],
  // Export and statistics choose their representation by Accept too; one they do not offer is a 406.
  "406": (op) => [variant(op, { intent: "an Accept naming no offered media type", headers: { Accept: "image/png" } })],
  "412": (op) => [variant(op, { invalid: "stale If-Match", headers: { "If-Match": "\"1\"" } })],
  "413": (op) => [variant(op, { invalid: "a 2.5 MB body", body: JSON.stringify({ padding: "x".repeat(2_500_000) }) })],
  "415": (op) => [variant(op, { invalid: "text/plain body", body: "plain text", mediaType: "text/plain" })],
  "422": (op) => [
    // Atomic, and no record valid: the whole file is refused and nothing is written.
    // In a media type the operation declares: /imports/file takes files (NDJSON here), not a JSON array.
    ...when(has(op, (p) => p.name === "atomic"), variant(op, { intent: "an atomic file whose only record fails validation",
      ...(op.requestBody?.content["application/json"]
        ? { body: JSON.stringify([{ slug: `${run}-bad` }]), mediaType: "application/json" }
        : { body: `${JSON.stringify({ slug: `${run}-bad` })}\n`, mediaType: "application/x-ndjson" }),
      query: { dryRun: ["false"], atomic: ["true"] } })),
    // Idempotency-Key over another request: the valid create with a key (the fixture exists, so a kept 409), then the
    // same key with one member changed.
    ...when(op.method === "post" && !has(op, (p) => p.name === "atomic") && has(op, (p) => p.name === "Idempotency-Key"),
      variant(op, { intent: "a create with an Idempotency-Key", headers: { "Idempotency-Key": `${run}-${op.operationId}` } }),
      variant(op, { intent: "the same Idempotency-Key, another body", headers: { "Idempotency-Key": `${run}-${op.operationId}` },
        body: otherBody(op) })),
    ...when(op.method === "get",
      variant(op, { intent: "a filter that selects no case", query: { ...valid(op).query, q: [`${run}-matches-nothing`] } })),
  ],
  "428": (op) => [variant(op, { invalid: "If-Match missing", headers: {} })],
};

/** The valid body with its first string member (but the slug) changed: another request, still a valid one. */
function otherBody(op: Op): string {
  const body = JSON.parse(valid(op).body ?? "{}") as Record<string, Json>;
  const member = Object.keys(body).find((k) => k !== "slug" && typeof body[k] === "string");
  return JSON.stringify(member ? { ...body, [member]: `${String(body[member])}-other` } : body);
}

/** Items of each list without path parameters, read before anything changes: what a wrongly deleted item is restored from. */
const listed: Record<string, Record<string, Json>[]> = {};
/** The codes of a collection that the sweep's own case names (from its request body): deleting one must be a 409. */
function inUseCodes(op: Op): string[] {
  const named = new Set(JSON.stringify(JSON.parse(exampleBody(ops.find((o) => o.operationId === "CreateCase")!)?.body ?? "{}")).match(/[a-z0-9-]+/g));
  return (listed[op.collection] ?? []).map((i) => String(i.code)).filter((code) => named.has(code)).slice(0, 3);
}

function declared(op: Op, status: number): boolean {
  return String(status) in op.responses || "default" in op.responses;
}

/**
 * GETs whose Swagger example cannot return data on the bundled sample: a resource named by a generated id exists in
 * no fresh store, a fresh store has no imports, releases or proposals yet (review is off by default, so nothing is
 * queued), and the sample names no source lists (coverage needs two).
 */
function exampleCannotReturnData(op: Op): string | undefined {
  if (op.parameters?.some((p) => p.in === "path" && p.schema?.format === "uuid")) return "names a resource by a generated id";
  if (op.collection === "/api/v1/imports") return "a fresh store has no imports";
  if (op.collection === "/api/v1/releases") return "a fresh store has no releases";
  if (op.operationId === "ListEntries") return "a fresh store has no list entries";
  if (op.collection === "/api/v1/proposals") return "review is off, so a fresh store has no proposals";
  return op.parameters?.some((p) => p.name === "lists") ? "the sample cases are on no source list" : undefined;
}

async function exampleCheck(op: Op): Promise<void> {
  // "Try it out" in Swagger UI sends exactly the contract's examples: on the bundled sample it must return data.
  const query: Record<string, string[]> = {};
  const path: Record<string, string> = {};
  for (const p of op.parameters ?? []) {
    if (p.example === undefined || p.in === "header") continue;
    if (p.in === "path") path[p.name] = String(p.example);
    else query[p.name] = (Array.isArray(p.example) ? p.example : [p.example]).map(String);
  }
  const outcome = await send({ op, intent: "Swagger UI example", path, query });
  const empty = outcome.body.length <= 2 || /"items":\[\]|"total":0[,}]/.test(outcome.body);
  const excused = exampleCannotReturnData(op);
  if (excused) exampleNotes.push(`${op.operationId}: ${excused} (answered ${outcome.status})`);
  else if (outcome.status !== 200 || empty) {
    exampleFailures.push(`${op.method.toUpperCase()} ${outcome.url.replace(proxy, "")} -> ${outcome.status}${empty ? " (empty)" : ""}`);
  }
}
const exampleFailures: string[] = [];
const exampleNotes: string[] = [];

const started = Date.now();
const phase = (name: string) => console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${name}`);

async function main(): Promise<void> {
  phase("setup: throwaway keys, lists as they are");
  // Throwaway keys of the lower roles, for 403 and for the rate-limit phase.
  const createKey = ops.find((o) => o.operationId === "CreateApiKey")!;
  for (const role of ["reader", "editor"]) {
    const created = await send({ op: createKey, intent: `setup: ${role} key`, body: JSON.stringify({ name: `${run}-${role}`, role }) });
    const body = JSON.parse(created.body) as { id: string; key?: string; secret?: string };
    keys[role] = body.key ?? body.secret ?? "";
    keys[`${role}Id`] = body.id;
  }
  for (const list of ops.filter((o) => o.method === "get" && !o.path.includes("{"))) {
    const items = parse<{ items?: Record<string, Json>[] }>((await send(valid(list, "setup: read the list"))).body)?.items;
    if (items?.some((i) => i.code)) listed[list.path] = items;
  }

  phase("Swagger UI examples");
  for (const op of ops.filter((o) => o.method === "get")) await exampleCheck(op);
  phase("valid requests");

  // Valid requests first (creating fixtures), then every declared error status; deletes run last: their error
  // statuses while the fixtures exist, then the valid deletes, which remove them.
  const deletes = ops.filter((o) => o.method === "delete");
  for (const op of ops.filter((o) => o.method !== "delete")) {
    const outcome = await send(valid(op));
    const created = outcome.headers.get("Location")?.split("/").pop() ?? parse<{ id?: string }>(outcome.body)?.id;
    if (outcome.status < 300 && op.method !== "delete" && created && !fixtures[op.collection]) fixtures[op.collection] = created;
    // A second success status (an upsert's 200 after its 201) comes from the same request again.
    if (Object.keys(op.responses).filter((s) => s < "300").length > 1) await send({ ...valid(op), intent: "repeat of a valid request" });
    if (has(op, (p) => p.name === "limit")) await send(variant(op, { intent: "second page exists", query: { ...valid(op).query, limit: ["1"] } }));
    if (op.responses["304"]) {
      const etag = outcome.headers.get("ETag");
      if (etag) await send({ ...valid(op), intent: "If-None-Match of the current version", headers: { "If-None-Match": etag } });
    }
  }
  phase("every declared error status");
  for (const op of ops) {
    for (const status of Object.keys(op.responses).filter((s) => s >= "400" && s !== "429" && s !== "503")) {
      for (const probe of provokers[status]?.(op) ?? []) {
        if (outcomes.some((o) => o.probe.op === op && o.status === Number(status))) break;
        const outcome = await send({ ...probe, intent: probe.intent === "valid" ? `provoke ${status}` : probe.intent });
        if (op.method === "delete" && outcome.status < 300 && probe.intent.startsWith("delete ")) await restore(op, probe.path!.code);
      }
    }
  }
  phase("valid deletes and clean-up");
  for (const op of deletes) await send(valid(op));
  await cleanUp();
  phase("rate limit: spend a throwaway key's budget, then every operation");
  await rateLimitPhase();
  if (stopDatabase) {
    phase("database stopped: every operation");
    await databaseDownPhase();
  }
  phase("done");
  report();
}

/** Puts back a reference item that a 409 probe deleted after all (the service did not find it in use). */
async function restore(op: Op, code: string): Promise<void> {
  const item = listed[op.collection]?.find((i) => i.code === code);
  const put = ops.find((o) => o.method === "put" && o.path === op.path);
  const outcome = put && item ? await send({ op: put, intent: `restore ${code}`, path: { code }, body: JSON.stringify(item) }) : undefined;
  const restored = outcome && outcome.status < 300 ? "succeeded" : "FAILED";
  leftovers.push(`${op.path} ${code} was deleted by a probe meant to be refused; restore ${restored}`);
}

/** Deletes, through the API, everything the sweep created: its case, its reference codes, its keys. */
async function cleanUp(): Promise<void> {
  const byId = (id: string) => ops.find((o) => o.operationId === id);
  for (const op of ops.filter((o) => o.method === "delete")) {
    const byCode = op.parameters?.some((p) => p.in === "path" && !p.schema?.format);
    const targets = op.path.includes("api-keys")
      ? [keys.readerId, keys.editorId, fixtures[op.collection]]
      : [fixtures[op.collection], byCode ? `${run}-code` : ""];
    for (const target of targets.filter(Boolean)) {
      const name = op.parameters?.find((p) => p.in === "path")?.name ?? "id";
      await send({ op, intent: "clean-up", path: { [name]: target }, headers: { "If-Match": "*" } });
    }
  }
  // Cases created under the throwaway slug by a create that raced the fixture lookup.
  const getCase = byId("GetCase");
  if (getCase && (await send({ op: getCase, intent: "clean-up check", path: { id: `${run}-case` } })).status === 200) {
    leftovers.push(`case ${run}-case`);
  }
}
const leftovers: string[] = [];

/** Spends a fresh reader key's whole budget on the service directly, then sees every operation answer 429 through the proxy. */
async function rateLimitPhase(): Promise<void> {
  if (!direct) return;
  const createKey = ops.find((o) => o.operationId === "CreateApiKey")!;
  const body = JSON.stringify({ name: `${run}-budget`, role: "reader" });
  const created = JSON.parse((await send({ op: createKey, intent: "setup: key to exhaust", body })).body) as
    { id: string; key?: string; secret?: string };
  const key = created.key ?? created.secret ?? "";
  const cheap = ops.find((o) => o.operationId === "GetCodeLists")!;
  for (let spent = 0; spent < 20_000; spent += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, () => send({ op: cheap, intent: "spend budget", key }, direct)));
    if (batch.some((o) => o.status === 429)) break;
  }
  for (const op of ops) await send({ ...valid(op), intent: "budget spent", key });
  const revoke = ops.find((o) => o.operationId === "RevokeApiKey")!;
  await send({ op: revoke, intent: "clean-up", path: { id: created.id } }, direct);
}

async function databaseDownPhase(): Promise<void> {
  console.log(`Stopping the database: ${stopDatabase}`);
  execSync(stopDatabase, { stdio: "inherit" });
  for (const op of ops) await send({ ...valid(op), intent: "database stopped" });
}

function report(): void {
  const responseSide = outcomes.filter((o) => o.violations.some((v) => v.location[0] === "response"));
  const undeclared = outcomes.filter((o) => !declared(o.probe.op, o.status));
  const unexpectedRequestSide = outcomes.filter((o) => !o.probe.invalid && o.violations.some((v) => v.location[0] === "request"));
  const line = (o: Outcome) => `${o.probe.op.method.toUpperCase()} ${o.url.replace(proxy, "")} `
    + `[${o.probe.intent}${o.probe.invalid ? `; invalid on purpose: ${o.probe.invalid}` : ""}] -> ${o.status}`;

  console.log("\n== Coverage: every (operation, status) pair the contract declares");
  let missing = 0;
  for (const op of ops) {
    const cells = Object.keys(op.responses).map((status) => {
      const hits = outcomes.filter((o) => o.probe.op === op && String(o.status) === status).length;
      const why = untriggerable[`${op.operationId} ${status}`];
      const later = notYetDriven[`${op.operationId} ${status}`];
      if (hits === 0 && !why && !later) missing++;
      return `${status}:${hits > 0 ? hits : why ? "n/a" : later ? "later" : "MISSING"}`;
    });
    console.log(`${op.operationId.padEnd(22)} ${op.method.toUpperCase().padEnd(6)} ${op.path.padEnd(34)} ${cells.join(" ")}`);
  }
  for (const [pair, why] of Object.entries(untriggerable)) console.log(`n/a ${pair}: ${why}`);
  const later = Object.keys(notYetDriven).filter((pair) => !outcomes.some((o) => `${o.probe.op.operationId} ${o.status}` === pair));
  console.log(`later (${later.length}, not driven by the sweep yet): ${later.map((p) => `${p} [${notYetDriven[p]}]`).join("; ")}`);

  console.log(`\n== Requests invalid on purpose (their request-side violations are expected): ${outcomes.filter((o) => o.probe.invalid).length}`);
  const reasons = new Map<string, number>();
  for (const o of outcomes.filter((o) => o.probe.invalid)) reasons.set(o.probe.invalid!, (reasons.get(o.probe.invalid!) ?? 0) + 1);
  for (const [reason, count] of reasons) console.log(`  ${count} x ${reason}`);

  const section = (title: string, list: Outcome[], detail: (o: Outcome) => string[]) => {
    console.log(`\n== ${title}: ${list.length}`);
    for (const o of list) {
      console.log(`  ${line(o)}`);
      for (const d of detail(o)) console.log(`      ${d}`);
    }
  };
  const violations = (side: string) => (o: Outcome) =>
    o.violations.filter((v) => v.location[0] === side).map((v) => `${v.location.join(".")}: ${v.message}`);
  section("Response violations", responseSide, (o) => [...violations("response")(o), `body: ${o.body.slice(0, 300)}`]);
  section("Statuses on the wire that the contract does not declare", undeclared, (o) => [`body: ${o.body.slice(0, 300)}`]);
  section("Request violations on requests meant to be valid", unexpectedRequestSide, violations("request"));
  console.log(`\n== Swagger UI examples that do not return data: ${exampleFailures.length}`);
  exampleFailures.forEach((f) => console.log(`  ${f}`));
  exampleNotes.forEach((f) => console.log(`  not expected to: ${f}`));
  console.log(`\n== Left behind: ${leftovers.length}${leftovers.length ? ` (${leftovers.join(", ")})` : ""}`);
  console.log(`\n${outcomes.length} requests through the proxy; response violations: ${responseSide.length}; `
    + `undeclared statuses: ${undeclared.length}; `
    + `declared pairs never triggered: ${missing}; unexpected request violations: ${unexpectedRequestSide.length}`);
  const failed = responseSide.length + undeclared.length + missing + unexpectedRequestSide.length + exampleFailures.length + leftovers.length;
  process.exit(failed === 0 ? 0 : 1);
}

await main();
