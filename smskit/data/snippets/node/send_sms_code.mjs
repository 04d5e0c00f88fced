// Send a phone SMS verification code (发送手机短信验证码), Node.js 18+, no packages.
//
//   export SMSKIT_BASE_URL=https://iot-api.quectelcn.com   # your data centre's URL
//   export SMSKIT_USER_DOMAIN=...  SMSKIT_USER_DOMAIN_SECRET=...
//   node send_sms_code.mjs send PHONE CODETYPE [INTERNATIONALCODE]   # internationalCode 86 by default
//   node send_sms_code.mjs sign PHONE CODETYPE RANDOM TS             # only print the signature
//
// Exit status: 0 when the platform answers code 200, 1 when it answers anything else or the
// request fails, 2 for bad usage. Never retried: sending an SMS is not idempotent.
import { createHash, randomInt } from "node:crypto";

const PATH = "/v2/sms/enduserapi/v2/sendPhoneSmsCode";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// 签名 signature: SHA256(phone + codeType + random + ts + userDomainSecret), lowercase hex.
function sign(phone, codeType, random, ts, secret) {
  return createHash("sha256").update(`${phone}${codeType}${random}${ts}${secret}`, "utf8").digest("hex");
}

// 随机数 random: 16 letters and digits from the CSPRNG (randomInt has no modulo bias).
function newRandom() {
  return Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
}

function fail(status, message) {
  console.error(message);
  process.exit(status);
}

function env(name) {
  return process.env[name] || fail(2, `set ${name} in the environment`);
}

const [mode, ...args] = process.argv.slice(2);
const isSend = mode === "send" && args.length >= 2 && args.length <= 3;
if (!isSend && !(mode === "sign" && args.length === 4)) {
  fail(2, "usage: node send_sms_code.mjs send PHONE CODETYPE [INTERNATIONALCODE] | sign PHONE CODETYPE RANDOM TS");
}
const secret = env("SMSKIT_USER_DOMAIN_SECRET"); // never print it
const [phone, codeType] = args;
if (!isSend) {
  console.log(sign(phone, codeType, args[2], args[3], secret));
  process.exit(0);
}
if (!/^[1-5]$/.test(codeType)) {
  fail(2, `CODETYPE must be one digit 1-5: it is sent and signed as typed, got ${JSON.stringify(codeType)}`);
}
const baseUrl = env("SMSKIT_BASE_URL").replace(/\/+$/, "");
if (!/^https?:\/\/./.test(baseUrl)) {
  fail(2, "SMSKIT_BASE_URL must be a URL, e.g. https://iot-api.quectelcn.com");
}
const random = newRandom();
const ts = Date.now(); // 毫秒时间戳 ts in milliseconds
const query = new URLSearchParams({
  codeType,
  internationalCode: args[2] ?? "86",
  phone,
  random,
  signature: sign(phone, codeType, random, ts, secret),
  ts: String(ts),
  userDomain: env("SMSKIT_USER_DOMAIN"),
});

// POST, every parameter in the query string, empty body.
let response, body;
try {
  response = await fetch(`${baseUrl}${PATH}?${query}`, {
    method: "POST",
    headers: { accept: "*/*" },
    signal: AbortSignal.timeout(10_000),
  });
  body = await response.text();
} catch (error) {
  fail(1, `request failed, not retried: ${error.cause?.message ?? error.message}`);
}
console.log(body);
let code;
try {
  code = JSON.parse(body).code;
} catch {
  code = undefined; // not JSON: a proxy's error page, say
}
process.exit(response.status === 200 && code === 200 ? 0 : 1);
