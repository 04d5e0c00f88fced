# %% [markdown] exercise
# # Exercises 3 · 练习三: a 5420 in the log (日志里的 5420)
#
# One exercise, about 15 minutes. Replace the `...` with your answer, run the cell, then run the
# `check(...)` cell below it: it says at once what is right or wrong, with a hint that gets more
# direct each time. It never shows the answer.
#
# 一道练习，约 15 分钟。把 `...` 换成你的答案并运行，再运行下面的 `check(...)`。
# %% [markdown] solution
# # Exercises 3 · 练习三: a 5420 in the log — solutions · 参考答案
#
# The trainer's edition, built from the same source as the trainees' edition
# (`python scripts/exercises.py build`).
#
# 讲师版：与学员版由同一份源文件生成。
# %%
import smskit
from smskit.training import check, exercise

# %% [markdown]
# ## E7 · Find the mistake behind a 5420 from a log line
# %%
exercise("E7")
# %% [markdown]
# The log line, as a Java service wrote it. The platform says only 5420 签名验证失败; the
# signature doctor recomputes the signature every known wrong way and names the one that
# reproduces it. `e7.secret` is a training-only secret: pass it on, never print it.
# %%
e7 = exercise("E7").inputs
print(e7.log_line)
# %% exercise
e7_mistake_id = ...  # smskit.diagnose(e7.log_line, secret=e7.secret) ... its mistake's id
# %% solution
e7_diagnosis = smskit.diagnose(e7.log_line, secret=e7.secret)
print(e7_diagnosis.summary("en"))
e7_mistake_id = e7_diagnosis.mistake.id if e7_diagnosis.mistake else None
# %%
check("E7", e7_mistake_id)
# %% [markdown]
# In a terminal, the same finding from a pasted log line (the secret is read from
# `SMSKIT_USER_DOMAIN_SECRET`): `smskit check -`.
#
# 在终端里粘贴日志行运行 `smskit check -`，得到同样的诊断
# （密钥从 `SMSKIT_USER_DOMAIN_SECRET` 读取）。
