# %% [markdown] exercise
# # Exercises 2 · 练习二: sending, verifying, error codes (错误码)
#
# Three exercises, about 45 minutes, against a sandbox: a real HTTP server that answers like
# the platform. Replace each `...` and run the `check(...)` cell below it; the hints get more
# direct each time, the answer is never shown.
#
# 三道练习，约 45 分钟，对沙箱操作。把 `...` 换成你的答案，再运行 `check(...)`。
# %% [markdown] solution
# # Exercises 2 · 练习二: sending, verifying, error codes (错误码) — solutions · 参考答案
#
# The trainer's edition, built from the same source as the trainees' edition.
#
# 讲师版：与学员版由同一份源文件生成。
# %%
from urllib.parse import urlencode

import requests

import smskit
from smskit.training import check, choices, exercise, practice_sandbox

# %% [markdown]
# The sandbox these exercises send to. In a class whose environment names the class sandbox
# (on the hub), it is that one, as your own user domain (用户域), so the trainer sees your
# requests; otherwise it is one on this machine, whose clock stands at 2026-11-28 12:00 UTC
# and whose codes are seeded, so every run prints the same. The cells are the same either
# way. `sb.secret` is your user domain's secret: pass it on, never print it.
# %%
sb = practice_sandbox()
sb
# %% [markdown]
# ## E4 · Build the query string by hand and send it with `requests`
# %%
exercise("E4")
# %%
e4 = exercise("E4").inputs
e4
# %% exercise
e4_ts = ...  # the sandbox's time: sb.now_ms()
e4_nonce = ...  # the 16-character random (随机数): smskit.new_random()
e4_signature = ...  # smskit.sign(..., secret=sb.secret)
e4_query = ...  # urlencode({...}) with the seven parameters
e4_response = ...  # requests.post(...)
# %% solution
e4_ts = sb.now_ms()
e4_nonce = smskit.new_random()
e4_signature = smskit.sign(phone=e4.phone, code_type=e4.code_type, random=e4_nonce, ts=e4_ts,
                           secret=sb.secret)
e4_query = urlencode({"codeType": e4.code_type, "internationalCode": e4.international_code,
                      "phone": e4.phone, "random": e4_nonce, "signature": e4_signature,
                      "ts": e4_ts, "userDomain": sb.user_domain})
e4_response = requests.post(f"{sb.base_url}{smskit.ENDPOINT_PATH}?{e4_query}",
                            headers={"accept": "*/*"}, timeout=10)
# %%
check("E4", e4_response)
# %% [markdown]
# ## E5 · Read the delivered code, verify it, and explain the second verification
# %%
exercise("E5")
# %%
e5 = exercise("E5").inputs
e5
# %%
choices("E5")
# %% [markdown]
# The answer cell's first line sends E5 its own fresh code each time it runs (given, not part
# of the answer), so it does not depend on E4.
# %% exercise
e5_sent = sb.send_code(e5.phone, e5.code_type)  # given: a fresh code for this exercise
e5_delivery = ...  # what the phone received: sb.last_delivery(..., code_type=...)
e5_first = ...  # sb.verify_code(phone=..., code_type=..., code=e5_delivery.code)
e5_second = ...  # the same code, verified again
e5_answer = {"first": e5_first, "second": e5_second, "why": ...}  # why: a letter from the choices
# %% solution
e5_sent = sb.send_code(e5.phone, e5.code_type)  # given: a fresh code for this exercise
e5_delivery = sb.last_delivery(e5.phone, code_type=e5.code_type)
e5_first = sb.verify_code(phone=e5.phone, code_type=e5.code_type, code=e5_delivery.code)
e5_second = sb.verify_code(phone=e5.phone, code_type=e5.code_type, code=e5_delivery.code)
e5_answer = {"first": e5_first, "second": e5_second, "why": "B"}
# %%
check("E5", e5_answer)
# %% [markdown]
# ## E6 · Map every error code to the caller's next step
# %%
exercise("E6")
# %% [markdown]
# The categories (what the caller does next) and the codes (without their category):
# %%
for key, category in smskit.categories().items():
    print(f"{key:<27} {category.zh} / {category.en}: {category.next_step}")
# %%
for entry in smskit.all_codes():
    if not entry.is_success:
        print(entry.code, entry.zh, "/", entry.en)
# %% exercise
e6_answer = {
    "fix_request": [...],
    "fix_sms_config": [...],
    "slow_down": [...],
    "retry_later": [...],
    "check_credentials_or_clock": [...],
}
# %% solution
e6_answer = {
    "fix_request": [5019, 5021, 5023, 5116],
    "fix_sms_config": [5117, 5118, 5122, 5123, 5124, 5125, 5126, 5128, 5188, 5202, 5209, 5216],
    "slow_down": [5058],
    "retry_later": [5059, 5000],
    "check_credentials_or_clock": [5015, 5104, 5145, 5420, 5421],
}
# %%
check("E6", e6_answer)
# %% [markdown]
# Your progress is saved in `~/.smskit/progress.json` (or `SMSKIT_PROGRESS_FILE`):
# `smskit.training.Progress().passed()` lists the exercises you passed.
#
# The sandbox on this machine stops with the kernel; stopping it now frees its port at once
# (the class sandbox keeps running for everyone):
# %%
sb.stop()
print("sandbox running:", sb.running)
