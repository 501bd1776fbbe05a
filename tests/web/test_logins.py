"""Logins that cannot be used to exhaust memory or to find accounts: the Argon2 cost (OWASP's
m=19 MiB, t=2, p=1), at most HASH_SLOTS hashes at once, a throttle per account and per address
whose wait is short and bounded, and the same answer (and cost) for an unknown account."""
import statistics
import threading
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher, make_password

from duban.people import hashers, throttle
from duban.people.services import add_user

pytestmark = pytest.mark.django_db

PASSWORD = "Office-pass-2024!"


def post_login(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def error_of(response) -> str:
    text = response.content.decode()
    start = text.index('<p class="error" role="alert">') + len('<p class="error" role="alert">')
    return text[start:text.index("</p>", start)]


# ------------------------------------------------------------------------------ the hasher


def test_new_passwords_get_owasp_argon2id_parameters():
    encoded = make_password(PASSWORD)
    hasher = identify_hasher(encoded)
    assert isinstance(hasher, hashers.DubanArgon2PasswordHasher)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, encoded) and not check_password("wrong-password", encoded)


def test_an_old_default_hash_still_logs_in_and_is_rehashed_cheaper(client):
    user, _ = add_user("old1", "office", password=PASSWORD)
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())  # Django's 100 MiB, p=8
    assert "m=102400" in old
    get_user_model().objects.filter(pk=user.pk).update(password=old)
    response = post_login(client, "old1", PASSWORD)
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_at_most_hash_slots_hashes_run_at_once():
    running, most, lock = 0, 0, threading.Lock()
    real = Argon2PasswordHasher.encode

    def watched(self, password, salt):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)
            return real(self, password, salt)
        finally:
            with lock:
                running -= 1

    with mock.patch.object(Argon2PasswordHasher, "encode", watched):
        threads = [threading.Thread(target=make_password, args=(f"password-{i}",)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert hashers.HASH_SLOTS < 8
    assert most == hashers.HASH_SLOTS


def test_a_login_that_finds_no_free_slot_is_told_to_try_again(client):
    add_user("busy1", "office", password=PASSWORD)
    for _ in range(hashers.HASH_SLOTS):
        assert hashers._slots.acquire(timeout=1)
    try:
        with mock.patch.object(hashers, "SLOT_WAIT", 0.05):
            response = post_login(client, "busy1", PASSWORD)
    finally:
        for _ in range(hashers.HASH_SLOTS):
            hashers._slots.release()
    assert response.status_code == 503 and error_of(response) == "同时登录的人较多,请稍后再试"
    assert post_login(client, "busy1", PASSWORD).status_code == 302  # the slots free again


# ------------------------------------------------------------------------------ the throttle


def test_the_wait_doubles_and_never_exceeds_a_minute():
    waits = [throttle.wait_after(n, throttle.ACCOUNT.free) for n in range(1, 13)]
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:9] == [5, 10, 20, 40, 60]
    assert max(throttle.wait_after(n, throttle.ACCOUNT.free) for n in range(1, 1000)) == throttle.MAX_WAIT == 60


def test_an_account_waits_after_five_failures_then_logs_in(client):
    add_user("office1", "office", password=PASSWORD)
    start = time.time()
    for _ in range(5):
        response = post_login(client, "office1", "wrong-password")
        assert response.status_code == 200 and error_of(response) == "用户名或密码不正确"
    refused = post_login(client, "office1", PASSWORD)  # the right password too: a guess must not be told
    assert refused.status_code == 429 and "登录失败次数过多,请" in error_of(refused) and "秒后再试" in error_of(refused)
    assert "_auth_user_id" not in client.session
    # the same account from another address waits too (the count is the account's)
    assert post_login(client, "office1", PASSWORD, address="10.0.0.2").status_code == 429
    with mock.patch("duban.people.throttle._now", return_value=start + 6):
        assert post_login(client, "office1", PASSWORD).status_code == 302
    assert throttle.seconds_to_wait("office1", "") == 0  # the success cleared the account's count


def test_refused_tries_do_not_lengthen_the_wait(client):
    add_user("office2", "office", password=PASSWORD)
    start = time.time()
    for _ in range(5):
        post_login(client, "office2", "wrong-password")
    for _ in range(30):  # someone hammering a closed account
        assert post_login(client, "office2", "wrong-password").status_code == 429
    assert throttle.seconds_to_wait("OFFICE2 ", "", now=time.time()) <= 5  # same account however typed
    with mock.patch("duban.people.throttle._now", return_value=start + 6):
        assert post_login(client, "office2", PASSWORD).status_code == 302


def test_even_a_long_attack_locks_the_real_user_out_for_a_minute_at_most(client):
    add_user("office3", "office", password=PASSWORD)
    now = time.time()
    for n in range(40):  # an attacker who waits out every lock: forty guesses
        now += throttle.seconds_to_wait("office3", "10.9.9.9", now=now)
        throttle.note_failure("office3", f"10.9.{n}.9", now=now)
    assert 0 < throttle.seconds_to_wait("office3", "10.0.0.1", now=now) <= 60
    with mock.patch("duban.people.throttle._now", return_value=now + 61):
        assert post_login(client, "office3", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_waits_but_others_do_not(client):
    add_user("office4", "office", password=PASSWORD)
    for n in range(throttle.ADDRESS.free):
        assert post_login(client, f"nobody{n}", "wrong-password", address="10.6.6.6").status_code == 200
    assert post_login(client, "office4", PASSWORD, address="10.6.6.6").status_code == 429
    assert post_login(client, "office4", PASSWORD, address="10.7.7.7").status_code == 302


def test_the_admin_login_is_throttled_too(client):
    add_user("office5", "office", password=PASSWORD)
    for _ in range(5):
        client.post("/admin/login/", {"username": "office5", "password": "wrong-password"}, REMOTE_ADDR="10.0.0.5")
    response = client.post("/admin/login/", {"username": "office5", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()


# ------------------------------------------------------------------------------ no enumeration


def test_an_unknown_account_gets_the_same_answer_at_the_same_cost(client):
    add_user("office6", "office", password=PASSWORD)
    inactive, _ = add_user("gone6", "office", password=PASSWORD)
    get_user_model().objects.filter(pk=inactive.pk).update(is_active=False)
    calls = []
    real_encode, real_verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify

    def encode(self, *args):
        calls.append("hash")
        return real_encode(self, *args)

    def verify(self, *args):
        calls.append("hash")
        return real_verify(self, *args)

    answers, times = {}, {"office6": [], "nobody6": [], "gone6": []}
    with mock.patch.object(Argon2PasswordHasher, "encode", encode), \
            mock.patch.object(Argon2PasswordHasher, "verify", verify):
        for round_ in range(4):  # interleaved, so the machine's load falls on all three alike
            for name, spent in times.items():
                calls.clear()
                start = time.perf_counter()
                response = post_login(client, name, "wrong-password", address=f"10.1.{round_}.1")
                spent.append(time.perf_counter() - start)
                assert calls == ["hash"], name  # one Argon2 computation each, known account or not
                answers[name] = (response.status_code, error_of(response))
    assert answers["office6"] == answers["nobody6"] == answers["gone6"] == (200, "用户名或密码不正确")
    known, unknown = statistics.median(times["office6"]), statistics.median(times["nobody6"])
    assert 1 / 3 < unknown / known < 3, times
    # the inactive account's right password is refused in the same words
    response = post_login(client, "gone6", PASSWORD, address="10.2.0.1")
    assert (response.status_code, error_of(response)) == (200, "用户名或密码不正确")
