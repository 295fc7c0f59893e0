"""Access control: the roles file, and each role through Streamlit's AppTest.

Roles are simulated in two ways (see `transparency/app/auth.py`):
- the test hook `TRANSPARENCY_TEST_HOOKS=1` + `TRANSPARENCY_TEST_USER=<e-mail>`, honoured
  only when no `[auth]` section is configured, with the role read from a roles file;
- with `[auth]` set in `AppTest.secrets`, `AppTest.user` seeds `st.user` (signed out, or
  signed in with an e-mail claim), so the real `st.user` path runs; nothing is patched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import fixture_store
from streamlit.testing.v1 import AppTest

from transparency import access, page_registry
from transparency.risk import diligence
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
DASHBOARD = str(REPO / "dashboard.py")
PAGE_FILES = {p.key: p.path for p in page_registry.PAGES}
TITLES = {p.key: p.title for p in page_registry.PAGES}
ROLES_TOML = """
[users]
"Vera@Example.org" = "viewer"
"ana@example.org" = "analyst"
"sam@example.org" = "steward"
"""
EMAIL = {"viewer": "vera@example.org", "analyst": "ana@example.org", "steward": "sam@example.org"}
SEES = {
    "viewer": {"overview", "quarterly_report", "methodology"},
    "analyst": {
        "overview",
        "quarterly_report",
        "methodology",
        "contracts",
        "suppliers",
        "screening",
    },
    "steward": set(PAGE_FILES),
}
ISSUER = "https://idp.example.org"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-not-a-secret",
    "client_id": "test-client",
    "client_secret": "test-only",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}


# --- the roles file (pure) ---------------------------------------------------------------


def test_roles_file_maps_emails_without_case_and_defaults_to_no_access():
    cfg = access.parse_roles(ROLES_TOML)
    assert access.role_for("VERA@example.org", cfg) == "viewer"
    assert access.role_for(" sam@example.org ", cfg) == "steward"
    assert access.role_for("eve@example.org", cfg) is None
    assert access.role_for(None, cfg) is None
    with_default = access.parse_roles('default_role = "Viewer"\n' + ROLES_TOML)
    assert access.role_for("eve@example.org", with_default) == "viewer"
    assert access.role_for("ana@example.org", with_default) == "analyst"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[users]\n"a@x.org" = "admin"\n', "'admin' is not a role"),
        ('default_role = "root"\n', "default_role: 'root' is not a role"),
        ('[users]\n"nobody" = "viewer"\n', "'nobody' is not an e-mail address"),
        ('users = "x"\n', "'users' must be a table"),
        ('[people]\n"a@x.org" = "viewer"\n', "unknown key(s) people"),
        ("[users\n", "not valid TOML"),
    ],
)
def test_bad_roles_file_is_refused_with_a_reason(text, words):
    with pytest.raises(access.AccessConfigError, match=None) as info:
        access.parse_roles(text, source="roles.toml")
    assert words in str(info.value) and "roles.toml" in str(info.value)


def test_rights_grow_with_the_role():
    assert access.visible_pages(None) == []
    assert access.visible_pages("nobody") == []
    for role, pages in SEES.items():
        assert set(access.visible_pages(role)) == pages
    assert [a for a in access.ACTION_ROLES if access.can("viewer", a)] == ["report_download"]
    assert {a for a in access.ACTION_ROLES if access.can("analyst", a)} == {
        "report_download",
        "export",
        "screening_decide",  # issue #18: analysts and stewards review screening candidates
    }
    assert all(access.can("steward", a) for a in access.ACTION_ROLES)
    assert not access.can("steward", "delete_everything")  # unknown actions: nobody
    assert access.LOCAL_ROLE == "steward"


def test_missing_roles_file_grants_nobody(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_ROLES", str(tmp_path / "none.toml"))
    assert access.load_roles() == access.RolesConfig()
    assert access.role_for("sam@example.org", access.load_roles()) is None


KIM = '[users]\n"kim@example.org" = "steward"\n'


@pytest.mark.parametrize(
    "claim",
    [
        "\u212aim@example.org",  # KELVIN SIGN: NFKC and lower() both give "k"
        "\uff4bim@example.org",  # FULLWIDTH LATIN SMALL LETTER K
        "\uff2bIM@EXAMPLE.ORG",  # FULLWIDTH CAPITAL K
        "kim@\uff45xample.org",  # full-width "e" in the domain
        "k\u0456m@example.org",  # CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
        "k\u0131m@example.org",  # LATIN SMALL LETTER DOTLESS I
        "K\u0130M@example.org",  # LATIN CAPITAL LETTER I WITH DOT ABOVE
        "kim@example.org\u200b",  # ZERO WIDTH SPACE
        "ki\u0307m@example.org",  # i + COMBINING DOT ABOVE
        "\u24daim@example.org",  # CIRCLED LATIN SMALL LETTER K
    ],
)
def test_look_alike_addresses_do_not_get_another_users_role(claim):
    cfg = access.parse_roles('default_role = "viewer"\n' + KIM)
    assert access.role_of(access.Principal("https://idp", "9", claim, True), cfg) == "viewer"
    assert access.role_for(claim, access.parse_roles(KIM)) is None


def test_plain_addresses_match_by_case_fold_and_others_only_exactly():
    cfg = access.parse_roles(
        KIM + '"M\u00dcLLER@Example.de" = "analyst"\n"Stra\u00dfe@example.de" = "viewer"\n'
    )
    assert access.role_for("KIM@Example.ORG", cfg) == "steward"
    assert access.role_for("m\u00fcller@example.de", cfg) is None  # entry not plain: exact only
    assert access.role_for("M\u00dcLLER@Example.de", cfg) == "analyst"
    assert access.role_for("Stra\u00dfe@example.de", cfg) == "viewer"
    assert access.role_for("strasse@example.de", cfg) is None  # "ß" folds to "ss": no match
    plain = access.parse_roles('[users]\n"m\u00fcller@example.de" = "analyst"\n')
    assert access.role_for("m\u00fcller@EXAMPLE.de", plain) == "analyst"
    assert access.role_for("mu\u0308ller@example.de", plain) is None  # decomposed: not plain
    assert access.is_plain("Ana@Example.org") and not access.is_plain("\u212aim@example.org")


def test_unverified_email_is_refused_and_the_issuer_is_part_of_the_identity():
    cfg = access.parse_roles(
        'default_role = "viewer"\n'
        'verified_email_issuers = ["https://login.example.net/tenant"]\n'
        + KIM
        + '[subjects."https://accounts.example.com"]\n"1001" = "analyst"\n'
    )
    google, entra = "https://accounts.example.com", "https://login.example.net/tenant"
    role = access.role_of
    assert role(access.Principal(google, "7", "kim@example.org", True), cfg) == "steward"
    # email_verified: false gets nothing, not even the default role.
    assert role(access.Principal(google, "7", "kim@example.org", False), cfg) is None
    # No claim: the e-mail counts only from an issuer listed as verifying addresses.
    assert role(access.Principal(google, "7", "kim@example.org", None), cfg) == "viewer"
    assert role(access.Principal(entra, "7", "kim@example.org", None), cfg) == "steward"
    # A subject entry belongs to its issuer: the same subject at another provider is
    # someone else.
    assert role(access.Principal(google, "1001", None, None), cfg) == "analyst"
    assert role(access.Principal(entra, "1001", None, None), cfg) == "viewer"
    assert role(access.Principal(google, "1001", "x@y.org", False), cfg) == "analyst"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[subjects]\n"https://idp" = "viewer"\n', "must be a table of subject = role"),
        ('[subjects."https://idp"]\n"1" = "boss"\n', "subject '1' of 'https://idp': 'boss'"),
        ('verified_email_issuers = "https://idp"\n', "must be a list of text"),
        ('[users]\n"a@x.org" = "viewer"\n"A@X.org" = "steward"\n', "listed twice"),
    ],
)
def test_bad_identity_entries_are_refused_with_a_reason(text, words):
    with pytest.raises(access.AccessConfigError) as info:
        access.parse_roles(text, source="roles.toml")
    assert words in str(info.value)


def test_require_reads_the_roles_file_at_the_moment_of_acting(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(KIM)
    kim = access.Principal("https://idp", "1", "kim@example.org", True)
    assert access.require(kim, "undo", path) == "steward"
    path.write_text(KIM.replace("steward", "analyst"))
    with pytest.raises(access.AccessDenied, match="analyst"):
        access.require(kim, "undo", path)
    path.write_text("[users\n")
    with pytest.raises(access.AccessDenied, match="cannot be checked"):
        access.require(kim, "export", path)


# --- the app, per role ---------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return fixture_store(tmp_path_factory.mktemp("access") / "store")


@pytest.fixture
def roles(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_TOML)
    monkeypatch.setenv("TRANSPARENCY_ROLES", str(path))
    return path


def as_user(monkeypatch, s: Store, email: str | None, script: str = DASHBOARD) -> AppTest:
    monkeypatch.setenv("TRANSPARENCY_STORE", str(s.root))
    if email:
        monkeypatch.setenv("TRANSPARENCY_TEST_HOOKS", "1")
        monkeypatch.setenv("TRANSPARENCY_TEST_USER", email)
    return AppTest.from_file(script, default_timeout=60)


def navigation(at: AppTest) -> set[str]:
    """Return the page keys in the app's navigation (AppTest knows only registered pages)."""
    found = set()
    for key, path in PAGE_FILES.items():
        try:
            at.switch_page(path)
        except ValueError as exc:
            assert "Could not find a navigation page" in str(exc)
        else:
            found.add(key)
    return found


def no_errors(at: AppTest) -> None:
    assert [e.message for e in at.exception] == []


@pytest.mark.parametrize("role", list(SEES))
def test_navigation_lists_only_the_pages_of_the_role(store, roles, monkeypatch, role):
    at = as_user(monkeypatch, store, EMAIL[role])
    at.run()
    no_errors(at)
    assert at.title[0].value == "Overview"
    assert navigation(at) == SEES[role]
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert f"role: {role}" in captions and "Local single-user mode" not in captions


@pytest.mark.parametrize(
    ("role", "page"),
    [(r, p) for r in ("viewer", "analyst") for p in PAGE_FILES if p not in SEES[r]],
)
def test_a_page_outside_the_role_refuses_when_opened_directly(
    store, roles, monkeypatch, role, page
):
    at = as_user(monkeypatch, store, EMAIL[role], str(REPO / PAGE_FILES[page]))
    at.run()
    no_errors(at)
    assert at.title[0].value == TITLES[page]
    assert f"Your role ({role}) does not include the {TITLES[page]} page" in at.error[0].value
    # Nothing of the store is shown: no tables, figures, uploader or buttons.
    assert not at.dataframe and not at.metric and not at.file_uploader and not at.button


def test_analyst_sees_detail_and_exports_but_records_no_diligence(store, roles, monkeypatch):
    at = as_user(monkeypatch, store, EMAIL["analyst"], str(REPO / "pages/contracts.py"))
    at.run()
    no_errors(at)
    assert {b.label for b in at.get("download_button")} == {"Download CSV", "Download XLSX"}
    at = as_user(monkeypatch, store, EMAIL["analyst"], str(REPO / "pages/suppliers.py"))
    at.query_params["supplier"] = "S1"
    at.run()
    no_errors(at)
    assert "Alpha Textiles" in at.header[0].value
    assert not at.get("form") and "sp_submit" not in [b.key for b in at.button]


def test_viewer_gets_no_line_export_and_clicks_do_not_open_detail(store, roles, monkeypatch):
    at = as_user(monkeypatch, store, EMAIL["viewer"], str(REPO / "pages/overview.py"))
    at.session_state["goto"] = "contracts"  # as a chart click would ask
    at.run()
    no_errors(at)
    assert at.title[0].value == "Overview"
    assert any("not part of your role (viewer)" in i.value for i in at.info)
    assert not at.get("download_button")
    assert "ov_high_button" not in [b.key for b in at.button]
    captions = " ".join(c.value for c in at.caption)
    assert "Click a bar" not in captions and "open its profile" not in captions


def test_steward_records_diligence_and_a_revoked_role_is_refused_on_submit(
    tmp_path, roles, monkeypatch
):
    s = fixture_store(tmp_path / "store")
    at = as_user(monkeypatch, s, EMAIL["steward"], str(REPO / "pages/suppliers.py"))
    at.query_params["supplier"] = "S1"
    at.run()
    no_errors(at)
    at.text_input(key="sp_recorded_by").input("Sam")
    at.text_area(key="sp_evidence").input("Audit 1")
    at.button(key="sp_submit").click().run()
    no_errors(at)
    assert diligence.records(s).height == 1
    # The form was drawn for a steward; the roles file now makes them an analyst. The
    # role is read again on the server for the click: the save does not happen and the
    # form is gone.
    at.text_input(key="sp_recorded_by").input("Sam")
    at.text_area(key="sp_evidence").input("Audit 2")
    roles.write_text(
        ROLES_TOML.replace('"sam@example.org" = "steward"', '"sam@example.org" = "analyst"')
    )
    at.button(key="sp_submit").click().run()
    no_errors(at)
    assert diligence.records(s).height == 1
    assert not at.get("form") and "Alpha Textiles" in at.header[0].value


def test_steward_gets_the_data_page_with_the_upload_limit(store, roles, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_MAX_UPLOAD_MB", "3")
    at = as_user(monkeypatch, store, EMAIL["steward"], str(REPO / "pages/data.py"))
    at.run()
    no_errors(at)
    uploader = at.file_uploader[0]
    assert uploader.proto.max_upload_size_mb == 3
    assert [b.key for b in at.button] == ["dt_undo"]
    monkeypatch.setenv("TRANSPARENCY_MAX_UPLOAD_MB", "lots")
    at.run()
    no_errors(at)
    assert "is not a number" in at.error[0].value and "lots" in at.error[0].value
    assert not at.file_uploader and at.dataframe  # the batches are still listed


def test_local_mode_has_full_rights_and_says_so(store, monkeypatch):
    monkeypatch.delenv("TRANSPARENCY_TEST_USER", raising=False)
    at = as_user(monkeypatch, store, None)
    at.run()
    no_errors(at)
    assert navigation(at) == set(PAGE_FILES)
    assert "Local single-user mode" in " ".join(c.value for c in at.sidebar.caption)


def test_test_user_without_the_hook_flag_changes_nothing(store, roles, monkeypatch):
    at = as_user(monkeypatch, store, EMAIL["viewer"])
    monkeypatch.setenv("TRANSPARENCY_TEST_HOOKS", "0")
    at.run()
    assert navigation(at) == set(PAGE_FILES)


def test_unknown_user_gets_only_a_message(store, roles, monkeypatch):
    at = as_user(monkeypatch, store, "eve@example.org")
    at.run()
    no_errors(at)
    assert "not been given access" in at.warning[0].value
    assert not at.metric and not at.dataframe and navigation(at) == set()


def test_a_broken_roles_file_shows_a_reason_and_nothing_else(store, roles, monkeypatch):
    roles.write_text('[users]\n"sam@example.org" = "admin"\n')
    at = as_user(monkeypatch, store, EMAIL["steward"])
    at.run()
    no_errors(at)
    assert "'admin' is not a role" in at.error[0].value
    assert not at.metric and navigation(at) == set()


# --- with [auth] configured (OIDC) ----------------------------------------------------


def with_auth(monkeypatch, s: Store, user: tuple[bool, str | None], script: str = DASHBOARD):
    at = as_user(monkeypatch, s, None, script)
    at.secrets["auth"] = AUTH
    signed_in, email = user
    claims = {"iss": ISSUER, "sub": f"sub-{email}", "email": email, "email_verified": True}
    at.user = {"is_logged_in": True, **claims} if signed_in else {}
    return at


def test_signed_out_user_sees_only_the_sign_in_button(store, roles, monkeypatch):
    # The test hook is ignored once [auth] is configured.
    monkeypatch.setenv("TRANSPARENCY_TEST_HOOKS", "1")
    monkeypatch.setenv("TRANSPARENCY_TEST_USER", EMAIL["steward"])
    for script in (DASHBOARD, str(REPO / "pages/contracts.py")):
        at = with_auth(monkeypatch, store, (False, None), script)
        at.run()
        no_errors(at)
        assert [b.label for b in at.button] == ["Sign in"]
        assert not at.metric and not at.dataframe and not at.sidebar.caption


def test_signed_in_user_gets_the_role_from_the_roles_file(store, roles, monkeypatch):
    at = with_auth(monkeypatch, store, (True, "Ana@Example.org"))
    at.run()
    no_errors(at)
    assert navigation(at) == SEES["analyst"]
    assert "role: analyst" in " ".join(c.value for c in at.sidebar.caption)
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_signed_in_user_not_in_the_file_gets_the_default_role_or_nothing(store, roles, monkeypatch):
    at = with_auth(monkeypatch, store, (True, "eve@example.org"))
    at.run()
    no_errors(at)
    assert "eve@example\\.org" in at.warning[0].value and navigation(at) == set()
    assert [b.label for b in at.button] == ["Sign out"]
    roles.write_text('default_role = "viewer"\n' + ROLES_TOML)
    at = with_auth(monkeypatch, store, (True, "eve@example.org"))
    at.run()
    no_errors(at)
    assert navigation(at) == SEES["viewer"]


def test_signed_in_roles_need_a_verified_email_or_the_issuer_and_subject(store, roles, monkeypatch):
    at = with_auth(monkeypatch, store, (True, EMAIL["steward"]))
    at.user["email_verified"] = False
    at.run()
    no_errors(at)
    assert "not verified" in at.warning[0].value and navigation(at) == set()
    at.user["email_verified"] = "true"  # some providers send text
    at.run()
    assert navigation(at) == set(PAGE_FILES)
    # The Kelvin sign is not the letter K: no steward role for a look-alike of sam's address.
    at = with_auth(monkeypatch, store, (True, "\u212aim@example.org"))
    roles.write_text('[users]\n"kim@example.org" = "steward"\n')
    at.run()
    assert "not been given access" in at.warning[0].value and navigation(at) == set()
    # Named by issuer + subject, without any e-mail claim.
    roles.write_text(f'[subjects."{ISSUER}"]\n"u-42" = "analyst"\n')
    at.user = {"is_logged_in": True, "iss": ISSUER, "sub": "u-42"}
    at.run()
    assert navigation(at) == SEES["analyst"]
    at.user = {"is_logged_in": True, "iss": "https://other.example.org", "sub": "u-42"}
    at.run()
    assert navigation(at) == set()


def test_an_expired_identity_token_asks_to_sign_in_again(store, roles, monkeypatch):
    at = with_auth(monkeypatch, store, (True, EMAIL["steward"]))
    at.user["exp"] = 1_000_000_000  # 2001
    at.run()
    no_errors(at)
    assert [b.label for b in at.button] == ["Sign in"] and not at.metric
    at.user["exp"] = 4_000_000_000  # 2096
    at.run()
    assert navigation(at) == set(PAGE_FILES)


def test_viewer_downloads_the_published_report(store, roles, monkeypatch):
    at = as_user(monkeypatch, store, EMAIL["viewer"], str(REPO / "pages/quarterly_report.py"))
    at.run()
    no_errors(at)
    assert [b.label for b in at.get("download_button")] == [
        "Workbook (XLSX)",
        "Web page (HTML, works offline)",
        "Print version (PDF)",
    ]
