"""Send a phone SMS verification code (发送手机短信验证码), Python 3 with hashlib and requests.

    export SMSKIT_BASE_URL=https://iot-api.quectelcn.com   # your data centre's URL
    export SMSKIT_USER_DOMAIN=...  SMSKIT_USER_DOMAIN_SECRET=...
    python3 send_sms_code.py send PHONE CODETYPE [INTERNATIONALCODE]  # internationalCode: 86
    python3 send_sms_code.py sign PHONE CODETYPE RANDOM TS            # only the signature

Exit status: 0 when the platform answers code 200, 1 when it answers anything else or the
request fails, 2 for bad usage. Never retried: sending an SMS is not idempotent.
"""

import hashlib
import os
import secrets
import string
import sys
import time

import requests

PATH = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
ALPHABET = string.ascii_letters + string.digits
USAGE = ("usage: python3 send_sms_code.py send PHONE CODETYPE [INTERNATIONALCODE]"
         " | sign PHONE CODETYPE RANDOM TS")


def sign(phone: str, code_type: str, random: str, ts: str, secret: str) -> str:
    """签名 signature: SHA256(phone + codeType + random + ts + userDomainSecret), lowercase hex."""
    return hashlib.sha256(f"{phone}{code_type}{random}{ts}{secret}".encode()).hexdigest()


def new_random() -> str:
    """随机数 random: 16 letters and digits from the CSPRNG (secrets, not random)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(16))


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        print(f"set {name} in the environment", file=sys.stderr)
        sys.exit(2)
    return value


def main(args: list[str]) -> int:
    is_send = len(args) in (3, 4) and args[0] == "send"
    if not is_send and not (len(args) == 5 and args[0] == "sign"):
        print(USAGE, file=sys.stderr)
        return 2
    secret = env("SMSKIT_USER_DOMAIN_SECRET")  # never print it
    phone, code_type = args[1], args[2]
    if not is_send:
        print(sign(phone, code_type, args[3], args[4], secret))
        return 0
    if code_type not in ("1", "2", "3", "4", "5"):
        print("CODETYPE must be one digit 1-5: it is sent and signed as typed, "
              f"got {code_type!r}", file=sys.stderr)
        return 2
    base_url = env("SMSKIT_BASE_URL").rstrip("/")
    if not base_url.startswith(("https://", "http://")):
        print("SMSKIT_BASE_URL must be a URL, e.g. https://iot-api.quectelcn.com", file=sys.stderr)
        return 2
    random = new_random()
    ts = str(time.time_ns() // 1_000_000)  # 毫秒时间戳 ts in milliseconds
    query = {
        "codeType": code_type,
        "internationalCode": args[3] if len(args) == 4 else "86",
        "phone": phone,
        "random": random,
        "signature": sign(phone, code_type, random, ts, secret),
        "ts": ts,
        "userDomain": env("SMSKIT_USER_DOMAIN"),
    }
    # POST, every parameter in the query string, empty body.
    try:
        response = requests.post(base_url + PATH, params=query, headers={"accept": "*/*"},
                                 timeout=10)
    except requests.RequestException as error:
        print(f"request failed, not retried: {error}", file=sys.stderr)
        return 1
    print(response.text)
    try:
        answer = response.json()
    except ValueError:  # not JSON: a proxy's error page, say
        return 1
    ok = response.status_code == 200 and isinstance(answer, dict) and answer.get("code") == 200
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
