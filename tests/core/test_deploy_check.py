import os
import secrets
import subprocess
import sys


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "S3_ENDPOINT_URL")
        },
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_COOKIES": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "ANXUAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "anxuan.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_one_node_of_several_without_shared_keys_fails_the_deploy_check(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "SECRET_KEY": "",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "ANXUAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "anxuan.settings",
    }
    env.pop("TIPS_IDENTITY_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "anxuan.E001" in result.stderr
    assert "anxuan.E002" in result.stderr
