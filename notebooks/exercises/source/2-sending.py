# %% [markdown] exercise
# # Exercises 2 · 练习二: sending, verifying, error codes (错误码)
#
# Three exercises, about 45 minutes, against this notebook's sandbox: a real HTTP server on
# this machine that answers like the platform. Replace each `...` and run the `check(...)`
# cell below it; the hints get more direct each time, the answer is never shown.
#
# 三道练习，约 45 分钟，对本笔记本的沙箱操作。把 `...` 换成你的答案，再运行 `check(...)`。
# %% [markdown] solution
# # Exercises 2 · 练习二: sending, verifying, error codes (错误码) — solutions · 参考答案
#
# The trainer's edition, built from the same source as the trainees' edition.
#
# 讲师版：与学员版由同一份源文件生成。
# %%
import random
from urllib.parse import urlencode

import requests

import smskit
from smskit import FixedClock
from smskit.sandbox import Sandbox
from smskit.training import check, choices, exercise

# %% [markdown]
# The sandbox's clock stands at 2026-11-28 12:00 UTC and its codes are seeded, so every run
# prints the same. Its demo user domain (用户域) has a sandbox-only secret: never print it.
# %%
clock = FixedClock(1_795_867_200_000)  # 2026-11-28T12:00:00Z in epoch milliseconds
sb = Sandbox(clock=clock, random_source=random.Random(2026)).start()
secret = sb.secret_for(sb.demo_domain)
sb
# %% [markdown]
# ## E4 · Build the query string by hand and send it with `requests`
# %%
exercise("E4")
# %%
inputs = exercise("E4").inputs
inputs
# %% exercise
ts = ...  # the sandbox's time: smskit.now_ms(clock)
nonce = ...  # the 16-character random (随机数): smskit.new_random(random.Random(4))
signature = ...  # smskit.sign(...)
query = ...  # urlencode({...}) with the seven parameters
response = ...  # requests.post(...)
# %% solution
ts = smskit.now_ms(clock)
nonce = smskit.new_random(random.Random(4))
signature = smskit.sign(phone=inputs.phone, code_type=inputs.code_type, random=nonce, ts=ts,
                        secret=secret)
query = urlencode({"codeType": inputs.code_type, "internationalCode": inputs.international_code,
                   "phone": inputs.phone, "random": nonce, "signature": signature, "ts": ts,
                   "userDomain": sb.demo_domain})
response = requests.post(f"{sb.base_url}{smskit.ENDPOINT_PATH}?{query}",
                         headers={"accept": "*/*"}, timeout=10)
# %%
check("E4", response)
# %% [markdown]
# ## E5 · Read the delivered code, verify it, and explain the second verification
# %%
exercise("E5")
# %%
choices("E5")
# %% exercise
delivery = ...  # what the phone received: sb.last_delivery(...)
first = ...  # sb.verify_code(phone=..., code_type=..., code=delivery.code)
second = ...  # the same code, verified again
answer = {"first": first, "second": second, "why": ...}  # why: a letter from the choices
# %% solution
delivery = sb.last_delivery(inputs.phone, code_type=inputs.code_type)
first = sb.verify_code(phone=inputs.phone, code_type=inputs.code_type, code=delivery.code)
second = sb.verify_code(phone=inputs.phone, code_type=inputs.code_type, code=delivery.code)
answer = {"first": first, "second": second, "why": "B"}
# %%
check("E5", answer)
# %% [markdown]
# ## E6 · Map every error code to the caller's next step
# %%
exercise("E6")
# %% [markdown]
# The categories (what the caller does next) and the codes (without their category):
# %%
for key, category in smskit.categories().items():
    print(f"{key:<27} {category.zh} / {category.en}: {category.next_step_in()}")
# %%
for entry in smskit.all_codes():
    if not entry.is_success:
        print(entry.code, entry.zh, "/", entry.en)
# %% exercise
answer = {
    "fix_request": [...],
    "fix_sms_config": [...],
    "slow_down": [...],
    "retry_later": [...],
    "check_credentials_or_clock": [...],
}
# %% solution
answer = {
    "fix_request": [5019, 5021, 5023, 5116],
    "fix_sms_config": [5117, 5118, 5122, 5123, 5124, 5125, 5126, 5128, 5188, 5202, 5209, 5216],
    "slow_down": [5058],
    "retry_later": [5059, 5000],
    "check_credentials_or_clock": [5015, 5104, 5145, 5420, 5421],
}
# %%
check("E6", answer)
# %% [markdown]
# Your progress is saved in `~/.smskit/progress.json` (or `SMSKIT_PROGRESS_FILE`):
# `smskit.training.Progress().passed()` lists the exercises you passed.
#
# The sandbox stops with the kernel; stopping it now frees its port at once:
# %%
sb.stop()
print("sandbox running:", sb.running)
