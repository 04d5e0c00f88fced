// A node:test test of "your backend" against the smskit sandbox: start it from its ready file,
// send with your own signing code (node:crypto, as the snippet send_sms_code.mjs does), assert
// on the outbox and the request log, and move the sandbox's clock instead of sleeping.
//
//   node --test sandbox.test.mjs
//
// SMSKIT_COMMAND names the smskit executable (default: smskit on PATH). Node.js 18+, no packages.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomInt } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const API = "/v2/sms/enduserapi/v2/sendPhoneSmsCode";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
let sandbox, exited, baseUrl, userDomain, secret;

before(async () => {
  const ready = join(mkdtempSync(join(tmpdir(), "sms-sandbox-")), "sandbox.json");
  sandbox = spawn(process.env.SMSKIT_COMMAND || "smskit",
    ["sandbox", "--port", "0", "--quiet", "--ready-file", ready],
    { stdio: ["ignore", "ignore", "inherit"] });
  exited = new Promise((resolve) => sandbox.on("exit", resolve));
  const deadline = Date.now() + 20_000;
  while (!existsSync(ready)) { // written atomically once the port listens
    assert.equal(sandbox.exitCode, null, "smskit sandbox exited");
    assert.ok(Date.now() < deadline, "no ready file within 20 s");
    await sleep(20);
  }
  const info = JSON.parse(readFileSync(ready, "utf8"));
  baseUrl = info.url;
  userDomain = info.demoDomain;
  secret = info.domains.find((d) => d.name === userDomain).secret; // sandbox-only
});

after(async () => {
  sandbox.kill("SIGTERM"); // the sandbox exits cleanly and removes its ready file
  assert.equal(await exited, 0);
});

beforeEach(async () => {
  await call("POST", "/_sandbox/reset", { parts: "all" });
});

async function call(method, path, body) {
  const answer = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(answer.status, 200);
  return answer.json();
}

function sign(phone, codeType, random, ts, key) {
  return createHash("sha256").update(`${phone}${codeType}${random}${ts}${key}`, "utf8").digest("hex");
}

// Your backend's send: sign, one POST, every parameter in the query string, empty body.
async function sendCode(phone, codeType, { uppercase = false } = {}) {
  const random = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  const ts = String(Date.now());
  const signature = sign(phone, codeType, random, ts, secret);
  const query = new URLSearchParams({
    codeType, internationalCode: "86", phone, random,
    signature: uppercase ? signature.toUpperCase() : signature, ts, userDomain,
  });
  return (await call("POST", `${API}?${query}`)).code;
}

test("a code is delivered to the outbox", async () => {
  assert.equal(await sendCode("13800138001", "3"), 200);
  const { deliveries } = await call("GET", "/_sandbox/outbox?phone=13800138001");
  assert.equal(deliveries.length, 1);
  assert.match(deliveries[0].code, /^[0-9]{6}$/);
  assert.equal(deliveries[0].codeType, 3);
});

test("a planted mistake is diagnosed in the request log", async () => {
  assert.equal(await sendCode("13800138002", "3", { uppercase: true }), 5420);
  const { requests } = await call("GET", "/_sandbox/requests?phone=13800138002");
  assert.equal(requests.length, 1);
  assert.equal(requests[0].check, "signature");
  assert.equal(requests[0].diagnosis.mistakeId, "uppercase-hex");
});

test("a code expires after five minutes, without sleeping", async () => {
  await call("POST", "/_sandbox/clock", { frozen: true });
  assert.equal(await sendCode("13800138003", "2"), 200);
  const { deliveries } = await call("GET", "/_sandbox/outbox?phone=13800138003");
  await call("POST", "/_sandbox/clock", { advanceMs: 300_000 });
  const verdict = await call("POST", "/_sandbox/verify",
    { phone: "13800138003", codeType: 2, code: deliveries[0].code });
  assert.deepEqual([verdict.ok, verdict.status], [false, "expired"]);
});
