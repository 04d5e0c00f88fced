<?php
// Send a phone SMS verification code (发送手机短信验证码), PHP 8, no extensions beyond the core.
//
//   export SMSKIT_BASE_URL=https://iot-api.quectelcn.com   # your data centre's URL
//   export SMSKIT_USER_DOMAIN=...  SMSKIT_USER_DOMAIN_SECRET=...
//   php send_sms_code.php send PHONE CODETYPE [INTERNATIONALCODE]   # internationalCode 86 by default
//   php send_sms_code.php sign PHONE CODETYPE RANDOM TS             # only print the signature
//
// Exit status: 0 when the platform answers code 200, 1 when it answers anything else or the
// request fails, 2 for bad usage. Never retried: sending an SMS is not idempotent.

const API_PATH = '/v2/sms/enduserapi/v2/sendPhoneSmsCode';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// 签名 signature: SHA256(phone + codeType + random + ts + userDomainSecret), lowercase hex.
function sign(string $phone, string $codeType, string $random, string $ts, string $secret): string
{
    return hash('sha256', $phone . $codeType . $random . $ts . $secret);
}

// 随机数 random: 16 letters and digits from the CSPRNG (random_int, not rand).
function newRandom(): string
{
    $text = '';
    for ($i = 0; $i < 16; $i++) {
        $text .= ALPHABET[random_int(0, strlen(ALPHABET) - 1)];
    }
    return $text;
}

function fail(int $status, string $message): never
{
    fwrite(STDERR, $message . PHP_EOL);
    exit($status);
}

function env(string $name): string
{
    $value = getenv($name);
    return ($value === false || $value === '') ? fail(2, "set $name in the environment") : $value;
}

$args = array_slice($argv, 1);
$isSend = ($args[0] ?? '') === 'send' && in_array(count($args), [3, 4], true);
if (!$isSend && !(($args[0] ?? '') === 'sign' && count($args) === 5)) {
    fail(2, 'usage: php send_sms_code.php send PHONE CODETYPE [INTERNATIONALCODE] | sign PHONE CODETYPE RANDOM TS');
}
$secret = env('SMSKIT_USER_DOMAIN_SECRET'); // never print it
[, $phone, $codeType] = $args;
if (!$isSend) {
    echo sign($phone, $codeType, $args[3], $args[4], $secret), PHP_EOL;
    exit(0);
}
if (!preg_match('/^[1-5]$/D', $codeType)) {
    fail(2, "CODETYPE must be one digit 1-5: it is sent and signed as typed, got " . json_encode($codeType));
}
$baseUrl = rtrim(env('SMSKIT_BASE_URL'), '/');
if (!preg_match('#^https?://.#', $baseUrl)) {
    fail(2, 'SMSKIT_BASE_URL must be a URL, e.g. https://iot-api.quectelcn.com');
}
$random = newRandom();
$ts = (string) (int) floor(microtime(true) * 1000); // 毫秒时间戳 ts in milliseconds
$query = http_build_query([
    'codeType' => $codeType,
    'internationalCode' => $args[3] ?? '86',
    'phone' => $phone,
    'random' => $random,
    'signature' => sign($phone, $codeType, $random, $ts, $secret),
    'ts' => $ts,
    'userDomain' => env('SMSKIT_USER_DOMAIN'),
]);

// POST, every parameter in the query string, empty body. ignore_errors: read the answer of
// any HTTP status instead of a warning.
$context = stream_context_create(['http' => [
    'method' => 'POST',
    'header' => "accept: */*\r\nContent-Length: 0\r\nConnection: close\r\n",
    'protocol_version' => 1.1,
    'timeout' => 10,
    'ignore_errors' => true,
]]);
$body = @file_get_contents($baseUrl . API_PATH . '?' . $query, false, $context);
if ($body === false) {
    fail(1, 'request failed, not retried: ' . (error_get_last()['message'] ?? 'no answer'));
}
echo $body, PHP_EOL;
$status = preg_match('#^HTTP/\S+ (\d{3})#', $http_response_header[0] ?? '', $m) ? (int) $m[1] : 0;
$answer = json_decode($body, true);
exit($status === 200 && is_array($answer) && ($answer['code'] ?? null) === 200 ? 0 : 1);
