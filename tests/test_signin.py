"""Fail closed: a secrets file that cannot be used stops the app instead of switching sign-in off.

Pure checks of `transparency.signin`, then the dashboard through AppTest with each malformed
secrets file written to disk (Streamlit's `secrets.files` pointed at it): the visitor sees a
message and no data, whatever page they open.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import fixture_store
from streamlit import config
from streamlit.testing.v1 import AppTest

from transparency import signin
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
GOOD = """
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "test-only-not-a-secret"
client_id = "test-client"
client_secret = "test-only"
server_metadata_url = "http://localhost:9/.well-known/openid-configuration"
"""
# Each malformed variant, and words its refusal must carry.
BROKEN = {
    "duplicated [auth] table": (GOOD + GOOD, "not valid TOML"),
    "missing quote": (GOOD.replace('"test-client"', '"test-client'), "not valid TOML"),
    "no [auth] section": ('[connections]\nurl = "x"\n', "has no [auth] section"),
    "[Auth] spelt with a capital": (GOOD.replace("[auth]", "[Auth]"), "has no [auth] section"),
    "no cookie_secret": (GOOD.replace("cookie_secret", "# cookie_secret"), "lacks cookie_secret"),
    "empty redirect_uri": (
        GOOD.replace('"http://localhost:8501/oauth2callback"', '""'),
        "lacks redirect_uri",
    ),
    "redirect_uri without the callback path": (
        GOOD.replace("/oauth2callback", "/"),
        "must end with /oauth2callback",
    ),
    "no provider": (
        "\n".join(line for line in GOOD.splitlines() if not line.startswith(("client", "server"))),
        "names no identity provider",
    ),
    "provider without client_secret": (
        GOOD.replace('client_secret = "test-only"', ""),
        "[auth] lacks client_secret",
    ),
    "named provider without its metadata url": (
        GOOD + '[auth.microsoft]\nclient_id = "m"\nclient_secret = "n"\n',
        "[auth.microsoft] lacks server_metadata_url",
    ),
    "auth as a value": ('auth = "on"\n', "auth must be a table"),
    "not UTF-8": (GOOD.encode("utf-8").replace(b"test-only", b"t\xe9st"), "cannot be read"),
}


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# --- the settings (pure) -----------------------------------------------------------------


@pytest.mark.parametrize("case", list(BROKEN))
def test_each_malformed_secrets_file_is_refused_with_its_reason(tmp_path, case):
    text, words = BROKEN[case]
    path = write(tmp_path, text)
    with pytest.raises(signin.SignInConfigError) as info:
        signin.read_signin([path, tmp_path / "absent.toml"], None)
    assert words in str(info.value) and str(path) in str(info.value)
    assert words in info.value.reason and str(path) not in info.value.reason


def test_local_mode_only_without_any_secrets_file_or_auth(tmp_path):
    absent = [tmp_path / "a.toml", tmp_path / "b.toml"]
    assert signin.read_signin(absent, None) == signin.SignInSettings("local")
    assert signin.read_signin(absent, {"other": 1}) == signin.SignInSettings("local")
    # An empty file is still a file: someone meant to configure something.
    (tmp_path / "a.toml").write_text("")
    with pytest.raises(signin.SignInConfigError, match="has no \\[auth\\] section"):
        signin.read_signin(absent, None)


def test_a_complete_auth_section_names_its_providers(tmp_path):
    path = write(tmp_path, GOOD)
    assert signin.read_signin([path], None) == signin.SignInSettings("sign_in", (None,))
    named = GOOD.replace("client_id", "[auth.microsoft]\nclient_id")
    named = named.replace('client_secret = "test-only"\n', "")
    named = named.replace("[auth.microsoft]\n", '[auth.microsoft]\nclient_secret = "x"\n')
    named += '[auth.client_kwargs]\nprompt = "login"\n'
    settings = signin.read_signin([write(tmp_path, named)], None)
    assert settings.providers == ("microsoft",)
    # A later file overrides an earlier one table by table, as in Streamlit.
    other = tmp_path / "project.toml"
    other.write_text('[auth]\nredirect_uri = "x"\n')
    with pytest.raises(signin.SignInConfigError, match="lacks cookie_secret"):
        signin.read_signin([path, other], None)


def test_local_mode_is_bound_to_this_machine_unless_a_setting_says_otherwise():
    for address in ("127.0.0.1", "localhost", "::1", "[::1]"):
        assert signin.local_mode_allowed(address, allow_remote=False)
    for address in (None, "", "0.0.0.0", "10.1.2.3", "::"):
        assert not signin.local_mode_allowed(address, allow_remote=False)
        assert signin.local_mode_allowed(address, allow_remote=True)


# --- the app -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return fixture_store(tmp_path_factory.mktemp("signin") / "store")


@pytest.fixture
def secrets_files(monkeypatch):
    """Point Streamlit's `secrets.files` at a list the test fills, restored afterwards."""
    saved = config.get_option("secrets.files")
    files: list[str] = []
    config.set_option("secrets.files", files)
    yield files
    config.set_option("secrets.files", saved)


def assert_nothing_shown(at: AppTest, words: str) -> None:
    assert [e.message for e in at.exception] == []
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "sign-in settings cannot be used, so nothing is shown" in errors and words in errors
    assert not at.dataframe and not at.metric and not at.file_uploader and not at.button
    assert "Local single-user mode" not in " ".join(c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("case", list(BROKEN))
@pytest.mark.parametrize("script", ["dashboard.py", "pages/data.py"])
def test_the_app_shows_no_data_for_a_broken_secrets_file(
    store, monkeypatch, tmp_path, secrets_files, case, script
):
    text, words = BROKEN[case]
    secrets_files.append(str(write(tmp_path, text)))
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    at = AppTest.from_file(str(REPO / script), default_timeout=60)
    at.run()
    assert_nothing_shown(at, words)
    assert str(tmp_path) not in " ".join(e.value for e in at.error).replace("\\", "")


def test_the_test_hook_cannot_bypass_a_broken_secrets_file(
    store, monkeypatch, tmp_path, secrets_files
):
    secrets_files.append(str(write(tmp_path, GOOD + GOOD)))
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    monkeypatch.setenv("TRANSPARENCY_TEST_HOOKS", "1")
    monkeypatch.setenv("TRANSPARENCY_TEST_USER", "sam@example.org")
    at = AppTest.from_file(str(REPO / "pages/overview.py"), default_timeout=60)
    at.run()
    assert_nothing_shown(at, "not valid TOML")


def test_local_mode_on_a_network_address_shows_nothing_until_allowed(
    store, monkeypatch, tmp_path, secrets_files
):
    secrets_files.append(str(tmp_path / "absent.toml"))
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    saved = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
        at.run()
        assert_nothing_shown(at, "TRANSPARENCY_LOCAL_MODE_REMOTE=1")
        monkeypatch.setenv("TRANSPARENCY_LOCAL_MODE_REMOTE", "1")
        at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
        at.run()
        assert [e.message for e in at.exception] == []
        assert at.title[0].value == "Overview" and at.metric
        captions = " ".join(c.value for c in at.sidebar.caption)
        assert "Local single-user mode" in captions
    finally:
        config.set_option("server.address", saved)


def test_a_complete_secrets_file_asks_visitors_to_sign_in(
    store, monkeypatch, tmp_path, secrets_files
):
    secrets_files.append(str(write(tmp_path, GOOD)))
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.run()
    assert [e.message for e in at.exception] == []
    assert [b.label for b in at.button] == ["Sign in"] and not at.metric and not at.error
