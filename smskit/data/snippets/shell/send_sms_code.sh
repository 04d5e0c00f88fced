#!/usr/bin/env bash
# Send a phone SMS verification code (发送手机短信验证码) with bash, openssl and curl.
#
#   export SMSKIT_BASE_URL=https://iot-api.quectelcn.com   # your data centre's URL
#   export SMSKIT_USER_DOMAIN=...  SMSKIT_USER_DOMAIN_SECRET=...
#   bash send_sms_code.sh send PHONE CODETYPE [INTERNATIONALCODE]   # internationalCode 86 by default
#   bash send_sms_code.sh sign PHONE CODETYPE RANDOM TS             # only print the signature
#
# Exit status: 0 when the platform answers code 200, 1 when it answers anything else or the
# request fails, 2 for bad usage. Never retried: sending an SMS is not idempotent.
set -euo pipefail

PATH_TO_API=/v2/sms/enduserapi/v2/sendPhoneSmsCode

# 签名 signature: SHA256(phone + codeType + random + ts + userDomainSecret), lowercase hex.
# printf is a bash builtin, so the secret never shows up in a process listing.
sign() {
  local digest
  digest=$(printf '%s' "$1$2$3$4$SMSKIT_USER_DOMAIN_SECRET" | openssl dgst -sha256 -r)
  printf '%s\n' "${digest%% *}"
}

# 随机数 random: 16 letters and digits from openssl's CSPRNG. Base64 is uniform over 64
# symbols; dropping '+' and '/' leaves a uniform choice among the 62 letters and digits.
new_random() {
  local text=""
  while [ ${#text} -lt 16 ]; do
    text+=$(openssl rand -base64 48 | LC_ALL=C tr -dc 'A-Za-z0-9')
  done
  printf '%s\n' "${text:0:16}"
}

usage() {
  echo "usage: bash send_sms_code.sh send PHONE CODETYPE [INTERNATIONALCODE] | sign PHONE CODETYPE RANDOM TS" >&2
  exit 2
}

case "${1:-} $#" in
  "sign 5") needed=(SMSKIT_USER_DOMAIN_SECRET) ;;
  "send 3" | "send 4") needed=(SMSKIT_USER_DOMAIN_SECRET SMSKIT_BASE_URL SMSKIT_USER_DOMAIN) ;;
  *) usage ;;
esac
for name in "${needed[@]}"; do
  [ -n "${!name:-}" ] || { echo "set $name in the environment" >&2; exit 2; }
done
if [ "$1" = sign ]; then
  sign "$2" "$3" "$4" "$5"
  exit 0
fi

phone=$2 code_type=$3 international_code=${4:-86}
case "$code_type" in
  [1-5]) ;;
  *) echo "CODETYPE must be one digit 1-5: it is sent and signed as typed, got \"$code_type\"" >&2; exit 2 ;;
esac
base_url=${SMSKIT_BASE_URL%/}
case "$base_url" in
  http://?* | https://?*) ;;
  *) echo "SMSKIT_BASE_URL must be a URL, e.g. https://iot-api.quectelcn.com" >&2; exit 2 ;;
esac
random=$(new_random)
ts=$(date +%s%3N)  # 毫秒时间戳 ts in milliseconds (GNU date; on macOS use gdate)
signature=$(sign "$phone" "$code_type" "$random" "$ts")

# POST, every parameter in the query string (-G with --data-urlencode), empty body.
# --write-out appends the HTTP status on a line of its own.
answer=$(curl --silent --show-error --max-time 10 -G -X POST -H 'accept: */*' \
  --data-urlencode "codeType=$code_type" \
  --data-urlencode "internationalCode=$international_code" \
  --data-urlencode "phone=$phone" \
  --data-urlencode "random=$random" \
  --data-urlencode "signature=$signature" \
  --data-urlencode "ts=$ts" \
  --data-urlencode "userDomain=$SMSKIT_USER_DOMAIN" \
  --write-out '\n%{http_code}' \
  "$base_url$PATH_TO_API") || { echo "request failed, not retried" >&2; exit 1; }
status=${answer##*$'\n'}
body=${answer%$'\n'*}
printf '%s\n' "$body"
# Without a JSON tool: look for "code": 200. With jq: jq -e '.code == 200'.
[ "$status" = 200 ] && grep -Eq '"code"[[:space:]]*:[[:space:]]*200([^0-9]|$)' <<<"$body"
