"""The password hasher: Argon2id at OWASP's recommended minimum, one lane.

Django 5.2's stock Argon2PasswordHasher uses 100 MiB, 2 passes and 8 lanes: 140 ms per
hash on an idle 2-core machine and over a second when the cores are busy (8 threads
compete for 2 cores on every login). OWASP's Password Storage Cheat Sheet recommends
Argon2id with at least 19 MiB, 2 passes, 1 lane; that costs about 25 ms here
(bench/login.py, docs/performance.md). The algorithm name stays "argon2", so hashes made
with the stock parameters still verify, and Django re-hashes them with these parameters
on the next successful login (must_update compares the parameters).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1.
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = OWASP_MEMORY_KIB
    time_cost = OWASP_TIME_COST
    parallelism = OWASP_PARALLELISM
