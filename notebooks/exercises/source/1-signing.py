# %% [markdown] exercise
# # Exercises 1 · 练习一: the signature (签名)
#
# Three exercises, about 45 minutes. Each one asks for an answer in a cell that holds `...`
# (a placeholder); replace it and run the cell, then run the `check(...)` cell below it. The
# check answers at once: what is right, what is wrong, and a hint that gets more direct each
# time you try again. It never shows the answer.
#
# 三道练习，约 45 分钟。把单元格里的 `...` 换成你的答案并运行，再运行下面的 `check(...)`：
# 它会立即告诉你哪里对、哪里不对，并给出一次比一次更直接的提示，但不会给出答案。
# %% [markdown] solution
# # Exercises 1 · 练习一: the signature (签名) — solutions · 参考答案
#
# The trainer's edition: every exercise solved, every check passing. It is built from the same
# source as the trainees' edition (`python scripts/exercises.py build`), so the two cannot
# drift apart.
#
# 讲师版：每道练习都有解答，每个检查都通过；与学员版由同一份源文件生成。
# %%
import hashlib
from datetime import datetime

import smskit
from smskit import CodeType, InputError, build_request
from smskit.training import broken_requests, check, e3_clock, exercise

# %% [markdown]
# Each exercise keeps its values in names of its own (`e1`, `e1_signature`, `e2_ts`, ...), so
# Run All, a cell run twice or cells run out of order never mix one exercise's answer into
# another's check.
#
# ## E1 · The page's worked example, with `hashlib` alone
# %%
exercise("E1")
# %% [markdown]
# The five values as the page prints them. The secret is the page's published example secret,
# the one secret this kit ever shows.
# %%
e1 = exercise("E1").inputs
print(e1.phone, e1.code_type, e1.random, e1.ts, e1.secret)
# %% exercise
e1_signature = ...  # only hashlib: hashlib.sha256(...).hexdigest() of the five values joined
# %% solution
e1_text = f"{e1.phone}{e1.code_type}{e1.random}{e1.ts}{e1.secret}"
e1_signature = hashlib.sha256(e1_text.encode("utf-8")).hexdigest()
# %%
check("E1", e1_signature)
# %% [markdown] exercise
# The page prints `e3b0c442...b855` as this signature. Is it right? What is it?
# 文档印出的签名 `e3b0c442...b855` 对吗？它是什么？
# %% [markdown] solution
# No. `e3b0c442...b855` is the SHA-256 of the empty string: whoever made the page hashed
# nothing. The signed string the page prints is right; its SHA-256 is what the check accepted.
#
# 不对。`e3b0c442...b855` 是空字符串的 SHA-256；文档的签名原文是对的，它的 SHA-256 才是正确签名。
# %% solution
hashlib.sha256(b"").hexdigest()
# %% [markdown]
# ## E2 · Sign a second set of inputs
# %%
exercise("E2")
# %% [markdown]
# The inputs as an app has them. `e2.secret` is a training-only secret: pass it on, never
# print it (the repr masks it).
# %%
e2 = exercise("E2").inputs
e2
# %% exercise
e2_code_type = ...  # the purpose as a number: which smskit.CodeType member is it?
e2_ts = ...  # e2.time_utc as epoch milliseconds (毫秒时间戳)
e2_signature = ...  # smskit.sign(phone=..., code_type=..., random=..., ts=..., secret=e2.secret)
# %% solution
e2_code_type = CodeType.LOGIN
e2_ts = int(datetime.fromisoformat(e2.time_utc).timestamp() * 1000)
e2_signature = smskit.sign(phone=e2.phone, code_type=e2_code_type, random=e2.random, ts=e2_ts,
                           secret=e2.secret)
# %%
check("E2", e2_signature)
# %% [markdown]
# ## E3 · Fix five broken requests
# %%
exercise("E3")
# %% [markdown]
# Five requests, each a dict of `build_request` arguments, judged at the server time
# `e3_clock()`. `build_request` names each problem, field and rule, and sends nothing:
# %%
e3_broken = broken_requests()
for number, request in enumerate(e3_broken, start=1):
    try:
        build_request(**request, clock=e3_clock())
    except InputError as error:
        print(number, error)
# %% exercise
e3_fixed = [..., ..., ..., ..., ...]  # one dict per broken request: {**e3_broken[0], "phone": ...}
# %% solution
e3_fixed = [
    {**e3_broken[0], "phone": e3_broken[0]["phone"].removeprefix("+86")},
    {**e3_broken[1], "ts": e3_broken[1]["ts"] * 1000},
    {**e3_broken[2], "random": smskit.new_random()},
    {**e3_broken[3], "code_type": CodeType.REGISTER},
    {**e3_broken[4], "secret": e3_broken[4]["secret"].strip()},
]
# %%
check("E3", e3_fixed)
# %% [markdown]
# Next: `2-sending.ipynb`, the same request sent by hand to the sandbox.
# 下一本：`2-sending.ipynb`，把请求手工发到沙箱。
